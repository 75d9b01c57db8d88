-- Violations keep the ids the service gives them. The service now makes every id it stores
-- (validations, violations, outbox events) as a UUID version 7, time-ordered, so each insert
-- into the primary key (and the outbox's unique event_id) lands at the index's right end. With
-- random ids each insert dirtied an arbitrary page, and after every checkpoint (the embedded
-- database's come every 16 MB of WAL) the first change to a page wrote all 8 KB of it into the
-- WAL. On embedded PGlite with 200,000 validations recorded, a lone record wrote 1.4-1.8 such
-- page images (11-15 KB of WAL) with random ids and 0.02 (4-6 KB) with these.
-- A batch from a release that sends no violation id still gets gen_random_uuid().

CREATE OR REPLACE FUNCTION pes_record_validation_batch(batch jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO validations (id, decision_id, portfolio_id, is_compliant, compliance_score, policies_checked,
    policy_set_version, decision, response)
  SELECT r.id, r.decision_id, r.portfolio_id, r.is_compliant, r.compliance_score, r.policies_checked,
    r.policy_set_version, r.decision, r.response
  FROM jsonb_to_recordset(batch->'validations') AS r(id uuid, decision_id text, portfolio_id text, is_compliant boolean,
    compliance_score double precision, policies_checked jsonb, policy_set_version bigint, decision jsonb, response jsonb);

  INSERT INTO policy_violations (id, validation_id, decision_id, policy_name, violation_type, severity, description,
    subject, observed, limit_value, pre_trade, enforcement_level)
  SELECT COALESCE(v.id, gen_random_uuid()), v.validation_id, v.decision_id, v.policy_name, v.violation_type, v.severity,
    v.description, v.subject, v.observed, v."limit", v.pre_trade, v.enforcement_level
  FROM jsonb_to_recordset(batch->'violations') AS v(id uuid, validation_id uuid, decision_id text, policy_name text, violation_type text,
    severity text, description text, subject text, observed double precision, "limit" double precision,
    pre_trade double precision, enforcement_level text);

  INSERT INTO event_outbox (event_id, topic, event_key, payload)
  SELECT e.event_id, batch->>'topic', e.event_key, e.payload
  FROM jsonb_to_recordset(batch->'events') AS e(event_id uuid, event_key text, payload jsonb);
END;
$$;
