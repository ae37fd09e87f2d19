CREATE TABLE "coa_escalations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"coa_request_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"session_id" bigint NOT NULL,
	"nas_id" bigint,
	"kind" text NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolution" text,
	"resolved_by" bigint
);
--> statement-breakpoint
CREATE TABLE "ipv6_assignments" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"framed_prefix" "cidr",
	"delegated_prefix" "cidr",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ipv6_pools" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"region_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"prefix" "cidr" NOT NULL,
	"assign_length" bigint NOT NULL,
	"next_index" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tariff_network" (
	"tariff_id" bigint PRIMARY KEY NOT NULL,
	"max_sessions" bigint,
	"speed_windows" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- A NAS added from now on must send a Message-Authenticator (Blast-RADIUS, CVE-2024-3596); the ones
-- already in the registry keep working as they did until staff turn it on (docs/network.md, "Hardening").
ALTER TABLE "nas" ADD COLUMN "require_message_authenticator" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "nas" ALTER COLUMN "require_message_authenticator" SET DEFAULT true;--> statement-breakpoint
ALTER TABLE "network_access" ADD COLUMN "access_type" text DEFAULT 'pppoe' NOT NULL;--> statement-breakpoint
ALTER TABLE "network_access" ADD COLUMN "mac_binding" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Entries without a login were IPoE (by MAC or Option 82); every other entry is PPPoE.
UPDATE "network_access" SET "access_type" = 'ipoe' WHERE "login" IS NULL;--> statement-breakpoint
ALTER TABLE "ipv6_assignments" ADD CONSTRAINT "ipv6_assignments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ipv6_pools" ADD CONSTRAINT "ipv6_pools_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_network" ADD CONSTRAINT "tariff_network_tariff_id_tariffs_id_fk" FOREIGN KEY ("tariff_id") REFERENCES "public"."tariffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "coa_escalations_request" ON "coa_escalations" USING btree ("coa_request_id");--> statement-breakpoint
CREATE INDEX "coa_escalations_open" ON "coa_escalations" USING btree ("created_at") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "coa_escalations_account" ON "coa_escalations" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ipv6_assignments_framed" ON "ipv6_assignments" USING btree ("framed_prefix");--> statement-breakpoint
CREATE UNIQUE INDEX "ipv6_assignments_delegated" ON "ipv6_assignments" USING btree ("delegated_prefix");--> statement-breakpoint
CREATE UNIQUE INDEX "ipv6_pools_prefix" ON "ipv6_pools" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "ipv6_pools_region" ON "ipv6_pools" USING btree ("region_id","kind");