-- The audit trail of policy changes: who changed which policy, when, and its definition before
-- and after (null before a create, null after a delete). Written in the same transaction as the
-- change itself, so no change goes unrecorded.

CREATE TABLE IF NOT EXISTS policy_changes (
  id                 BIGSERIAL PRIMARY KEY,
  policy_name        VARCHAR(100) NOT NULL,
  action             VARCHAR(20)  NOT NULL,
  actor              VARCHAR(100) NOT NULL,
  changed_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
  policy_set_version BIGINT       NOT NULL,
  definition_before  JSONB,
  definition_after   JSONB
);
CREATE INDEX IF NOT EXISTS policy_changes_policy_name ON policy_changes (policy_name, id);
