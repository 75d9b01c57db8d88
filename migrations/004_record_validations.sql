-- One call records a batch of validations: their rows, their violations and their outbox events.
-- A PL/pgSQL function keeps the plans of its three inserts for the life of the connection, so a
-- batch costs one short statement instead of parsing and planning three inserts every time
-- (PGlite: ~0.88 → ~0.71 ms for a lone record). Same atomicity as before: one statement.

CREATE OR REPLACE FUNCTION pes_record_validations(
  ids uuid[], decision_ids text[], portfolio_ids text[], compliant boolean[], scores float8[],
  checked jsonb[], versions bigint[], decisions jsonb[], responses jsonb[],
  violations jsonb, topic text, event_ids uuid[], event_keys text[], payloads jsonb[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO validations (id, decision_id, portfolio_id, is_compliant, compliance_score, policies_checked,
    policy_set_version, decision, response)
  SELECT * FROM unnest(ids, decision_ids, portfolio_ids, compliant, scores, checked, versions, decisions, responses);

  INSERT INTO policy_violations (validation_id, decision_id, policy_name, violation_type, severity, description,
    subject, observed, limit_value, pre_trade, enforcement_level)
  SELECT v.validation_id, v.decision_id, v.policy_name, v.violation_type, v.severity, v.description, v.subject,
    v.observed, v."limit", v.pre_trade, v.enforcement_level
  FROM jsonb_to_recordset(violations) AS v(validation_id uuid, decision_id text, policy_name text, violation_type text,
    severity text, description text, subject text, observed double precision, "limit" double precision,
    pre_trade double precision, enforcement_level text);

  INSERT INTO event_outbox (event_id, topic, event_key, payload)
  SELECT e.event_id, topic, e.event_key, e.payload FROM unnest(event_ids, event_keys, payloads) AS e(event_id, event_key, payload);
END;
$$;
