-- abonent:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS "radius_sessions_stopped_at" ON "radius_sessions" USING btree ("stopped_at");
