-- abonent:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS "support_tickets_outage" ON "support_tickets" USING btree ("outage_id") WHERE outage_id is not null;
