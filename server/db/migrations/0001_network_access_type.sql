ALTER TABLE "network_access" ADD COLUMN "access_type" text DEFAULT 'pppoe' NOT NULL;--> statement-breakpoint
ALTER TABLE "network_access" ADD COLUMN "mac_binding" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Entries without a login were IPoE (by MAC or Option 82); every other entry is PPPoE.
UPDATE "network_access" SET "access_type" = 'ipoe' WHERE "login" IS NULL;
