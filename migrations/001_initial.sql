-- The seed's two tables, with the seed's columns and defaults, plus what the service needs to
-- record every validation and to publish its events through an outbox.

CREATE TABLE IF NOT EXISTS portfolio_policies (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  policy_name       VARCHAR(100) NOT NULL UNIQUE,
  policy_type       VARCHAR(50)  NOT NULL,
  policy_rules      JSONB        NOT NULL,
  enforcement_level VARCHAR(20)  DEFAULT 'strict',
  enabled           BOOLEAN      DEFAULT true,
  created_at        TIMESTAMPTZ  DEFAULT now(),
  updated_at        TIMESTAMPTZ  DEFAULT now()
);

-- One row: the version of the policy set, bumped in the same transaction as any policy change,
-- so every replica and worker can tell whether its compiled policies are current.
CREATE TABLE IF NOT EXISTS policy_set_version (
  singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  version   BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO policy_set_version (singleton, version) VALUES (true, 0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS validations (
  id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  decision_id      VARCHAR(100) NOT NULL,
  portfolio_id     VARCHAR(100),
  is_compliant     BOOLEAN      NOT NULL,
  compliance_score DOUBLE PRECISION NOT NULL,
  policies_checked JSONB        NOT NULL,
  policy_set_version BIGINT     NOT NULL,
  decision         JSONB        NOT NULL,
  response         JSONB        NOT NULL,
  created_at       TIMESTAMPTZ  DEFAULT now()
);
CREATE INDEX IF NOT EXISTS validations_decision_id ON validations (decision_id);
CREATE INDEX IF NOT EXISTS validations_created_at ON validations (created_at);

CREATE TABLE IF NOT EXISTS policy_violations (
  id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  decision_id     VARCHAR(100) NOT NULL,
  policy_name     VARCHAR(100) NOT NULL,
  violation_type  VARCHAR(50)  NOT NULL,
  severity        VARCHAR(20)  NOT NULL,
  description     TEXT,
  resolved        BOOLEAN      DEFAULT false,
  created_at      TIMESTAMPTZ  DEFAULT now(),
  validation_id   UUID REFERENCES validations (id),
  subject         TEXT,
  observed        DOUBLE PRECISION,
  limit_value     DOUBLE PRECISION,
  pre_trade       DOUBLE PRECISION,
  enforcement_level VARCHAR(20),
  resolved_at     TIMESTAMPTZ,
  resolved_by     VARCHAR(100)
);
CREATE INDEX IF NOT EXISTS policy_violations_decision_id ON policy_violations (decision_id);
CREATE INDEX IF NOT EXISTS policy_violations_policy_name ON policy_violations (policy_name, created_at);

-- Events wait here until the relay has published them (transactional outbox).
CREATE TABLE IF NOT EXISTS event_outbox (
  id           BIGSERIAL PRIMARY KEY,
  event_id     UUID         NOT NULL UNIQUE,
  topic        VARCHAR(200) NOT NULL,
  event_key    VARCHAR(100) NOT NULL,
  payload      JSONB        NOT NULL,
  created_at   TIMESTAMPTZ  DEFAULT now(),
  published_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS event_outbox_unpublished ON event_outbox (id) WHERE published_at IS NULL;
