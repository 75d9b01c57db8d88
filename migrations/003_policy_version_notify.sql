-- Every replica LISTENs on pes_policy_version: a policy change made through any of them (or by
-- hand in SQL) reaches all the others when it commits. The periodic version check stays as the
-- safety net for a notification lost with a dropped connection.

CREATE OR REPLACE FUNCTION pes_notify_policy_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pes_policy_version', NEW.version::text);
  RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS policy_set_version_notify ON policy_set_version;
CREATE TRIGGER policy_set_version_notify AFTER UPDATE ON policy_set_version
  FOR EACH ROW EXECUTE FUNCTION pes_notify_policy_version();
