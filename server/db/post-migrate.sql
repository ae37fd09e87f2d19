-- Objects drizzle-kit does not model. Idempotent: applied after every migration run.

-- The ledger is append-only: history is corrected by new entries, never by editing old ones.
CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_entries_no_update ON ledger_entries;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- Accounts are rewritten by every daily run (balance, status): free space on each page lets
-- PostgreSQL update them in place (HOT) without touching their indexes.
ALTER TABLE accounts SET (fillfactor = 80);
-- A payment row is updated once or twice soon after it is written (pending → succeeded, the ledger
-- entry, the bonus): room on its page keeps those updates HOT, off the payments indexes.
ALTER TABLE payments SET (fillfactor = 85);

-- Read caches (docs/decisions/0005-read-caches.md): every process caches session lookups for a
-- short while and clears them when told that sessions, passwords or staff users changed anywhere.
-- Statement-level, so a bulk change notifies once; PostgreSQL folds repeats within a transaction.
CREATE OR REPLACE FUNCTION abonent_cache_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('abonent_cache', TG_TABLE_NAME);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS sessions_cache ON sessions;
CREATE TRIGGER sessions_cache AFTER UPDATE OF revoked_at, expires_at OR DELETE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed();
DROP TRIGGER IF EXISTS contracts_cache ON contracts;
CREATE TRIGGER contracts_cache AFTER UPDATE OR DELETE ON contracts
  FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed();
DROP TRIGGER IF EXISTS staff_users_cache ON staff_users;
CREATE TRIGGER staff_users_cache AFTER UPDATE OR DELETE ON staff_users
  FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed();

-- Network (docs/network.md): every process keeps the RADIUS answers in memory and follows changes
-- through NOTIFY on 'abonent_network'. Payloads: 'a:<id>,<id>,…' (these accounts changed: reload them,
-- and act on their events with CoA / Disconnect), '*' (reload everything), 'nas' (the NAS registry changed).
-- Statement-level where bulk writes happen (the daily run blocks thousands of accounts in one statement):
-- one notification per 500 accounts, not per row.
CREATE OR REPLACE FUNCTION abonent_network_events() RETURNS trigger AS $$
DECLARE
  chunk text;
BEGIN
  FOR chunk IN
    SELECT string_agg(account_id::text, ',')
    FROM (SELECT account_id, (row_number() OVER (ORDER BY account_id) - 1) / 500 AS part
          FROM (SELECT DISTINCT account_id FROM new_rows
                WHERE kind IN ('blocked', 'unblocked', 'suspended', 'resumed', 'tariff_changed', 'terminated',
                               'static_ip_assigned', 'static_ip_released')) d) p
    GROUP BY part
  LOOP
    PERFORM pg_notify('abonent_network', 'a:' || chunk);
  END LOOP;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS account_events_network ON account_events;
CREATE TRIGGER account_events_network AFTER INSERT ON account_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_events();

CREATE OR REPLACE FUNCTION abonent_network_access_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('abonent_network', 'a:' || OLD.account_id);
  ELSE
    PERFORM pg_notify('abonent_network', 'a:' || NEW.account_id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS network_access_network ON network_access;
CREATE TRIGGER network_access_network AFTER INSERT OR UPDATE OR DELETE ON network_access
  FOR EACH ROW EXECUTE FUNCTION abonent_network_access_changed();

-- A plan's speed or an account's status changed outside the events (an admin edit): reload all.
CREATE OR REPLACE FUNCTION abonent_network_reload_all() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('abonent_network', CASE WHEN TG_TABLE_NAME = 'nas' THEN 'nas' ELSE '*' END);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS tariffs_network ON tariffs;
CREATE TRIGGER tariffs_network AFTER UPDATE OF speed_down_kbps, speed_up_kbps ON tariffs
  FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_reload_all();
DROP TRIGGER IF EXISTS nas_network ON nas;
CREATE TRIGGER nas_network AFTER INSERT OR UPDATE OR DELETE ON nas
  FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_reload_all();

-- Interim updates rewrite open sessions every few minutes: room on the page keeps them HOT.
ALTER TABLE radius_sessions SET (fillfactor = 80);
