-- Objects drizzle-kit does not model. Idempotent: applied after every migration run, i.e. at every
-- app start. So nothing here may lock a busy table when there is nothing to do: triggers are created
-- only when missing (abonent_ensure_trigger), never dropped and made again (dropping a trigger takes
-- an exclusive lock, which during a rolling restart would stall every request touching the table).
-- To change a trigger's definition, give it a new name and drop the old one.

CREATE OR REPLACE FUNCTION abonent_ensure_trigger(tbl regclass, name text, ddl text) RETURNS void AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = name) THEN
    EXECUTE ddl;
  END IF;
END;
$$ LANGUAGE plpgsql;

-- A table's fillfactor, set only when it differs (ALTER TABLE … SET takes a lock at every start otherwise).
CREATE OR REPLACE FUNCTION abonent_ensure_fillfactor(tbl regclass, ff int) RETURNS void AS $$
BEGIN
  IF NOT coalesce((SELECT format('fillfactor=%s', ff) = ANY (reloptions) FROM pg_class WHERE oid = tbl), false) THEN
    EXECUTE format('ALTER TABLE %s SET (fillfactor = %s)', tbl, ff);
  END IF;
END;
$$ LANGUAGE plpgsql;

-- ===== The ledger by month (docs/ledger-partitions.md) =====================================
-- drizzle-kit creates ledger_entries as a plain table; here it becomes a table partitioned by month
-- of effective_on (once: a plain table is converted, keeping its columns, constraints, indexes and
-- rows). Partitions are made ahead by the ledger.maintain job; a DEFAULT partition takes any entry
-- dated where no month partition exists yet, so a money write never fails for want of a partition.
DO $$
DECLARE
  r record;
  cons text[] := '{}';
  idx text[] := '{}';
  stmt text;
BEGIN
  IF (SELECT relkind FROM pg_class WHERE oid = 'ledger_entries'::regclass) <> 'r' THEN
    RETURN;
  END IF;
  FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
           WHERE conrelid = 'ledger_entries'::regclass AND contype IN ('p', 'u') LOOP
    cons := cons || format('ALTER TABLE ledger_entries ADD CONSTRAINT %I %s', r.conname, r.def);
  END LOOP;
  FOR r IN SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
           WHERE i.indrelid = 'ledger_entries'::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
    idx := idx || r.def;
  END LOOP;
  ALTER TABLE ledger_entries RENAME TO ledger_entries_unpartitioned;
  FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = 'ledger_entries_unpartitioned'::regclass LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, left(r.relname, 40) || '_unpartitioned');
  END LOOP;
  CREATE TABLE ledger_entries (LIKE ledger_entries_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (effective_on);
  ALTER SEQUENCE ledger_entries_id_seq OWNED BY ledger_entries.id;
  FOREACH stmt IN ARRAY cons || idx LOOP
    EXECUTE stmt;
  END LOOP;
  CREATE TABLE ledger_entries_default PARTITION OF ledger_entries DEFAULT;
  INSERT INTO ledger_keys (key, entry_id, account_id, effective_on)
    SELECT idempotency_key, id, account_id, effective_on FROM ledger_entries_unpartitioned
    WHERE idempotency_key IS NOT NULL
    ON CONFLICT DO NOTHING;
  INSERT INTO ledger_entries SELECT * FROM ledger_entries_unpartitioned;
  DROP TABLE ledger_entries_unpartitioned;
END $$;


-- The ledger is append-only: history is corrected by new entries, never by editing old ones.
-- The audit log too, with one exception (docs/personal-data.md): the anonymisation of a former
-- subscriber, in its own transaction (setting abonent.anonymize), may remove personal data from an audit
-- row's before/after — every other column, and any other change, stays refused.
CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger AS $$
BEGIN
  -- Nested: NEW's audit columns are only read when the row is an audit row.
  IF TG_TABLE_NAME = 'audit_log' AND TG_OP = 'UPDATE' THEN
    IF current_setting('abonent.anonymize', true) = 'on'
       AND NEW.id = OLD.id AND NEW.actor_type = OLD.actor_type AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.action = OLD.action AND NEW.entity = OLD.entity AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id
       AND NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.at = OLD.at
       AND (OLD.before IS NULL OR NEW.before <@ OLD.before) AND (OLD.after IS NULL OR NEW.after <@ OLD.after) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('ledger_entries', 'ledger_entries_no_update', $ddl$
  CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()$ddl$);

SELECT abonent_ensure_trigger('audit_log', 'audit_log_no_update', $ddl$
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()$ddl$);

-- Accounts are rewritten by every daily run (balance, status): free space on each page lets
-- PostgreSQL update them in place (HOT) without touching their indexes.
SELECT abonent_ensure_fillfactor('accounts', 80);
-- A payment row is updated once or twice soon after it is written (pending → succeeded, the ledger
-- entry, the bonus): room on its page keeps those updates HOT, off the payments indexes.
SELECT abonent_ensure_fillfactor('payments', 85);

-- Read caches (docs/decisions/0005-read-caches.md): every process caches session lookups for a
-- short while and clears them when told that sessions, passwords or staff users changed anywhere.
-- Statement-level, so a bulk change notifies once; PostgreSQL folds repeats within a transaction.
CREATE OR REPLACE FUNCTION abonent_cache_changed() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('abonent_cache', TG_TABLE_NAME);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('sessions', 'sessions_cache', $ddl$
  CREATE TRIGGER sessions_cache AFTER UPDATE OF revoked_at, expires_at OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed()$ddl$);
SELECT abonent_ensure_trigger('contracts', 'contracts_cache', $ddl$
  CREATE TRIGGER contracts_cache AFTER UPDATE OR DELETE ON contracts
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed()$ddl$);
SELECT abonent_ensure_trigger('staff_users', 'staff_users_cache', $ddl$
  CREATE TRIGGER staff_users_cache AFTER UPDATE OR DELETE ON staff_users
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed()$ddl$);
-- A role's TOTP requirement decides what its sessions may do (modules/staff/role-totp.ts).
SELECT abonent_ensure_trigger('staff_role_settings', 'staff_role_settings_cache', $ddl$
  CREATE TRIGGER staff_role_settings_cache AFTER INSERT OR UPDATE OR DELETE ON staff_role_settings
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_cache_changed()$ddl$);


-- An idempotency key is unique across all months: the key is registered in ledger_keys first, and a
-- row whose key is taken is dropped (returns nothing, like ON CONFLICT DO NOTHING did with a unique
-- index). A concurrent insert of the same key waits on ledger_keys' primary key until the first
-- commits (then drops its row) or rolls back (then goes ahead). The same entry inserted again (moved
-- between partitions by ledger_ensure_partition) keeps its key.
CREATE OR REPLACE FUNCTION ledger_entries_register_key() RETURNS trigger AS $$
BEGIN
  IF NEW.kind = 'charge' THEN
    -- Charges are unique per subscription and day, not by key: a key there could outlive a dropped row.
    RAISE EXCEPTION 'ledger: a charge carries no idempotency key' USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO ledger_keys (key, entry_id, account_id, effective_on)
    VALUES (NEW.idempotency_key, NEW.id, NEW.account_id, NEW.effective_on)
    ON CONFLICT (key) DO NOTHING;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM ledger_keys WHERE key = NEW.idempotency_key AND entry_id = NEW.id) THEN
      RETURN NEW;
    END IF;
    RETURN NULL;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('ledger_entries', 'ledger_entries_key', $ddl$
  CREATE TRIGGER ledger_entries_key BEFORE INSERT ON ledger_entries
    FOR EACH ROW WHEN (NEW.idempotency_key IS NOT NULL) EXECUTE FUNCTION ledger_entries_register_key()$ddl$);

-- An entry dated before a checkpoint that was already made makes that checkpoint (and every later
-- one) stale; the maintenance job makes them again. Installed by the job on the partitions a
-- checkpoint covers (the current month's only for entries before the checkpoint day), and always on
-- the default partition. Once per transaction and day: a back-dated billing batch costs one update.
CREATE OR REPLACE FUNCTION ledger_entries_late() RETURNS trigger AS $$
DECLARE
  marked date := nullif(current_setting('abonent.ledger_late_from', true), '')::date;
BEGIN
  IF marked IS NOT NULL AND marked <= NEW.effective_on THEN
    RETURN NULL;
  END IF;
  UPDATE ledger_checkpoints SET stale = true WHERE as_of > NEW.effective_on AND NOT stale;
  PERFORM set_config('abonent.ledger_late_from', NEW.effective_on::text, true);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('ledger_entries_default', 'ledger_entries_late', $ddl$
  CREATE TRIGGER ledger_entries_late AFTER INSERT ON ledger_entries_default
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_late()$ddl$);

-- Archived months (docs/ledger-partitions.md, "Retention") are detached: an entry dated in one would
-- land in the default partition and be counted against balances their closing checkpoint already
-- holds. Refused instead; corrections go on a current day.
CREATE OR REPLACE FUNCTION ledger_entries_archived_month() RETURNS trigger AS $$
BEGIN
  IF NEW.effective_on < (SELECT (max(month) + interval '1 month')::date FROM ledger_archive) THEN
    RAISE EXCEPTION 'ledger: % is in an archived month', NEW.effective_on USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('ledger_entries_default', 'ledger_entries_archived', $ddl$
  CREATE TRIGGER ledger_entries_archived BEFORE INSERT ON ledger_entries_default
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_archived_month()$ddl$);

-- The partition of month `m` (its first day), e.g. ledger_entries_y2026m11.
CREATE OR REPLACE FUNCTION ledger_partition_name(m date) RETURNS text AS $$
  SELECT format('ledger_entries_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
$$ LANGUAGE sql IMMUTABLE;

-- Month m's partition built as table `tbl`, not attached: itself partitioned by effective_on into three
-- parts of about ten days — days 1–10, 11–20, 21 to the month's end — named after the month and the
-- first day of each part: ledger_entries_y2026m11_d01, _d11, _d21. The daily charge inserts into the
-- part of its day, so the account-first indexes it updates (ledger_account_day, ledger_charge_per_day)
-- hold at most ten days of entries, not up to a month (docs/ledger-partitions.md, "Layout").
CREATE OR REPLACE FUNCTION ledger_build_month(tbl text, m date) RETURNS void AS $$
DECLARE
  first date := date_trunc('month', m)::date;
  bounds date[] := ARRAY[first, first + 10, first + 20, (first + interval '1 month')::date];
BEGIN
  EXECUTE format('CREATE TABLE %I (LIKE ledger_entries INCLUDING ALL) PARTITION BY RANGE (effective_on)', tbl);
  FOR k IN 1..3 LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
      ledger_partition_name(first) || '_d' || to_char(bounds[k], 'DD'), tbl, bounds[k], bounds[k + 1]);
  END LOOP;
END;
$$ LANGUAGE plpgsql;

-- Month partitions made before the ten-day layout are plain tables. One holding entries stays as it is
-- (an upgraded ledger keeps its history untouched). One still empty and without a late-entry trigger —
-- a month made ahead — is replaced by the ten-day layout, so an upgraded ledger has it from next month
-- on; true when replaced. Checked from the catalog first, so a month already in the new layout (or one
-- with a late-entry trigger) costs no lock; a plain one is then read for a first row, as any query reads
-- it. The new month is built apart; the swap (drop the empty table, rename the new one, attach it)
-- holds the ledger's exclusive lock for a moment, waiting at most 1 s for it (or a shorter lock_timeout):
-- while it waits, reads and writes of the ledger queue behind it. Without the lock nothing changes, and
-- the next run (the hourly job) tries again.
CREATE OR REPLACE FUNCTION ledger_split_empty_month(m date) RETURNS boolean AS $$
DECLARE
  first date := date_trunc('month', m)::date;
  name text := ledger_partition_name(first);
  building text := ledger_partition_name(first) || '_new';
  timeout text := current_setting('lock_timeout');
  replaced boolean := false;
  r record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
                 WHERE c.oid = to_regclass(name) AND c.relkind = 'r' AND i.inhparent = 'ledger_entries'::regclass)
     OR EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(name) AND tgname LIKE 'ledger_entries_late%') THEN
    RETURN false;
  END IF;
  EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', name) INTO replaced;
  IF NOT replaced THEN
    RETURN false;
  END IF;
  IF timeout::interval = interval '0' OR timeout::interval > interval '1 second' THEN
    PERFORM set_config('lock_timeout', '1s', true);
  END IF;
  BEGIN
    PERFORM ledger_build_month(building, first);
    LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE;
    -- An entry may have come in since the first look.
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', name) INTO replaced;
    IF replaced THEN
      EXECUTE format('DROP TABLE %I', name);
      EXECUTE format('ALTER TABLE %I RENAME TO %I', building, name);
      FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               WHERE i.indrelid = to_regclass(name) LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, replace(r.relname, building, name));
      END LOOP;
      EXECUTE format('ALTER TABLE ledger_entries ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        name, first, (first + interval '1 month')::date);
    ELSE
      EXECUTE format('DROP TABLE %I', building);
    END IF;
  EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
    -- Rolled back to the start of the block; another run tries again.
    replaced := false;
  END;
  PERFORM set_config('lock_timeout', timeout, true);
  RETURN replaced;
END;
$$ LANGUAGE plpgsql;

-- Makes month m's partition if it does not exist (in the ten-day layout), or replaces an empty plain
-- one made ahead by an earlier build (ledger_split_empty_month); true when made. Entries of that month
-- that went to the default partition meanwhile are moved into it. Built apart and then attached:
-- attaching locks the ledger only against other schema changes, not against reads and writes.
CREATE OR REPLACE FUNCTION ledger_ensure_partition(m date) RETURNS boolean AS $$
DECLARE
  first date := date_trunc('month', m)::date;
  next date := (date_trunc('month', m) + interval '1 month')::date;
  name text := ledger_partition_name(first);
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN ledger_split_empty_month(first);
  END IF;
  PERFORM ledger_build_month(name, first);
  IF EXISTS (SELECT 1 FROM ledger_entries_default WHERE effective_on >= first AND effective_on < next) THEN
    EXECUTE format('INSERT INTO %I SELECT * FROM ledger_entries_default WHERE effective_on >= $1 AND effective_on < $2', name)
      USING first, next;
    ALTER TABLE ledger_entries_default DISABLE TRIGGER ledger_entries_no_update;
    DELETE FROM ledger_entries_default WHERE effective_on >= first AND effective_on < next;
    ALTER TABLE ledger_entries_default ENABLE TRIGGER ledger_entries_no_update;
  END IF;
  EXECUTE format('ALTER TABLE ledger_entries ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, first, next);
  RETURN true;
END;
$$ LANGUAGE plpgsql;

-- Month partitions from the month before this one to three months ahead (the job keeps that true).
SELECT ledger_ensure_partition((date_trunc('month', current_date) + make_interval(months => k))::date)
FROM generate_series(-1, 3) AS k;

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

SELECT abonent_ensure_trigger('account_events', 'account_events_network', $ddl$
  CREATE TRIGGER account_events_network AFTER INSERT ON account_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_events()$ddl$);

-- `abonent secrets reseal` sets abonent.reseal: a new ciphertext of the same password changes no answer.
CREATE OR REPLACE FUNCTION abonent_network_access_changed() RETURNS trigger AS $$
BEGIN
  IF current_setting('abonent.reseal', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('abonent_network', 'a:' || OLD.account_id);
  ELSE
    PERFORM pg_notify('abonent_network', 'a:' || NEW.account_id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('network_access', 'network_access_network', $ddl$
  CREATE TRIGGER network_access_network AFTER INSERT OR UPDATE OR DELETE ON network_access
    FOR EACH ROW EXECUTE FUNCTION abonent_network_access_changed()$ddl$);

-- A plan's speed or an account's status changed outside the events (an admin edit): reload all.
CREATE OR REPLACE FUNCTION abonent_network_reload_all() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('abonent_network', CASE WHEN TG_TABLE_NAME = 'nas' THEN 'nas' ELSE '*' END);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('tariffs', 'tariffs_network', $ddl$
  CREATE TRIGGER tariffs_network AFTER UPDATE OF speed_down_kbps, speed_up_kbps ON tariffs
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_reload_all()$ddl$);
SELECT abonent_ensure_trigger('nas', 'nas_network', $ddl$
  CREATE TRIGGER nas_network AFTER INSERT OR UPDATE OR DELETE ON nas
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_reload_all()$ddl$);

-- A plan's network profile (sessions, speed windows, attributes) changed: reload all.
SELECT abonent_ensure_trigger('tariff_network', 'tariff_network_network', $ddl$
  CREATE TRIGGER tariff_network_network AFTER INSERT OR UPDATE OR DELETE ON tariff_network
    FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_reload_all()$ddl$);

-- IPv6 prefixes given to accounts (thousands in one statement when a region gets its pools): reload them,
-- 500 accounts per notification.
CREATE OR REPLACE FUNCTION abonent_network_accounts_changed() RETURNS trigger AS $$
DECLARE
  chunk text;
BEGIN
  FOR chunk IN
    SELECT string_agg(account_id::text, ',')
    FROM (SELECT account_id, (row_number() OVER (ORDER BY account_id) - 1) / 500 AS part
          FROM (SELECT DISTINCT account_id FROM new_rows) d) p
    GROUP BY part
  LOOP
    PERFORM pg_notify('abonent_network', 'a:' || chunk);
  END LOOP;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

SELECT abonent_ensure_trigger('ipv6_assignments', 'ipv6_assignments_network', $ddl$
  CREATE TRIGGER ipv6_assignments_network AFTER INSERT ON ipv6_assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_accounts_changed()$ddl$);
SELECT abonent_ensure_trigger('ipv6_assignments', 'ipv6_assignments_network_update', $ddl$
  CREATE TRIGGER ipv6_assignments_network_update AFTER UPDATE ON ipv6_assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION abonent_network_accounts_changed()$ddl$);

-- Interim updates rewrite open sessions every few minutes: room on the page keeps them HOT.
SELECT abonent_ensure_fillfactor('radius_sessions', 80);

-- ===== This installation's id (decision 0018) ===============================================
-- Made once, with the cluster and timeline it was made on (when this role may read them). The app
-- makes a new one at start when they differ (server/installation.ts): a restored copy or a promoted
-- replica never sends the original's keys to ATOL or a payment provider.
DO $$
DECLARE
  sys text;
  tl int;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM installation) THEN
    BEGIN
      SELECT system_identifier::text INTO sys FROM pg_control_system();
      SELECT timeline_id INTO tl FROM pg_control_checkpoint();
    EXCEPTION WHEN insufficient_privilege OR undefined_function THEN
      sys := NULL;
      tl := NULL;
    END;
    INSERT INTO installation (singleton, id, system_identifier, timeline)
    VALUES (true, substr(md5(random()::text || clock_timestamp()::text), 1, 10), sys, tl)
    ON CONFLICT DO NOTHING;
  END IF;
END $$;
