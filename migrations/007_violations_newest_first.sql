-- GET /api/v1/violations lists violations newest first (ORDER BY created_at DESC, id), the
-- compliance desk's activity page among its callers. Without this index every call read and
-- sorted the whole table: 256 ms on 300,000 violations in embedded PGlite, on the one connection
-- every validation's audit write also needs; 3-5 ms with it, filtered by severity or unresolved
-- too. Recording a violation costs no measurable more (created_at only grows: the index is
-- appended at one end). On a large existing table, build it first with CREATE INDEX CONCURRENTLY
-- under this name: this migration then finds it and does not block writes while building.
CREATE INDEX IF NOT EXISTS policy_violations_newest_first ON policy_violations (created_at DESC, id);
