-- GET /api/v1/violations?resolved=true (the compliance desk's "resolved" filter), newest first.
-- Resolved violations are few, so walking migration 007's index for them read nearly every
-- violation there is: with none of 200,000 resolved, 74–127 ms in embedded PGlite, on the
-- connection every audit write needs too; 1.2–3.8 ms with this index, and 7–15 ms with 300 of
-- them resolved. It holds the resolved violations only: one enters it when resolved, so recording
-- a violation costs nothing more (resolving one does: the update can no longer be HOT, and writes
-- to each index of the table). Built on 200,000 violations in 132 ms in PGlite; on a large table
-- of a PostgreSQL server, build it first with CREATE INDEX CONCURRENTLY under this name, as for
-- 007: this migration then finds it and does not block audit writes while building.
CREATE INDEX IF NOT EXISTS policy_violations_resolved_newest_first ON policy_violations (created_at DESC, id) WHERE resolved;
