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

-- Support desk (docs/support.md): the common categories every region starts with, with their SLA
-- targets. Admins change them (or add a region's own) through the API; this only fills what is missing.
INSERT INTO support_categories (region_id, code, name_ru, name_en, first_response_minutes, resolution_hours, is_claim, sort_order)
VALUES
  (NULL, 'no_internet', 'Нет интернета или низкая скорость', 'No internet or slow speed', 30, 24, false, 10),
  (NULL, 'tv', 'Телевидение', 'TV', 60, 48, false, 20),
  (NULL, 'payments', 'Оплата и баланс', 'Payments and balance', 60, 48, false, 30),
  (NULL, 'tariffs', 'Тарифы и услуги', 'Tariffs and services', 120, 72, false, 40),
  (NULL, 'equipment', 'Подключение и оборудование', 'Connection and equipment', 120, 72, false, 50),
  (NULL, 'other', 'Другой вопрос', 'Other question', 240, 72, false, 90),
  (NULL, 'claim', 'Претензия', 'Formal claim', 1440, 720, true, 100)
ON CONFLICT (code) WHERE region_id IS NULL DO NOTHING;
