CREATE TABLE "account_tags" (
	"account_id" bigint NOT NULL,
	"tag_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_tags_account_id_tag_id_pk" PRIMARY KEY("account_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "bulk_operation_items" (
	"operation_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"amount" bigint DEFAULT 0 NOT NULL,
	"done_at" timestamp with time zone,
	CONSTRAINT "bulk_operation_items_operation_id_account_id_pk" PRIMARY KEY("operation_id","account_id"),
	CONSTRAINT "bulk_items_state" CHECK ("bulk_operation_items"."state" in ('pending','done','skipped','failed'))
);
--> statement-breakpoint
CREATE TABLE "bulk_operations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"filter" jsonb NOT NULL,
	"params" jsonb NOT NULL,
	"region_ids" bigint[],
	"state" text DEFAULT 'queued' NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"processed" bigint DEFAULT 0 NOT NULL,
	"succeeded" bigint DEFAULT 0 NOT NULL,
	"skipped" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"planned_amount" bigint DEFAULT 0 NOT NULL,
	"amount_moved" bigint DEFAULT 0 NOT NULL,
	"created_by" bigint NOT NULL,
	"outage_id" bigint,
	"stop_requested_by" bigint,
	"stop_requested_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "bulk_operations_kind" CHECK ("bulk_operations"."kind" in ('tariff','message','compensation','block','unblock')),
	CONSTRAINT "bulk_operations_state" CHECK ("bulk_operations"."state" in ('queued','running','stopping','stopped','done','failed'))
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outage_accounts" (
	"outage_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"notified_at" timestamp with time zone,
	CONSTRAINT "outage_accounts_outage_id_account_id_pk" PRIMARY KEY("outage_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "outages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"region_id" bigint NOT NULL,
	"scope" text NOT NULL,
	"street" text,
	"houses" text,
	"nas_id" bigint,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"expected_end_at" timestamp with time zone NOT NULL,
	"notified_end_at" timestamp with time zone,
	"notices" bigint DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"ended_at" timestamp with time zone,
	"created_by" bigint NOT NULL,
	"closed_by" bigint,
	"compensation_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outages_scope" CHECK ("outages"."scope" in ('region','address','nas')),
	CONSTRAINT "outages_state" CHECK ("outages"."state" in ('open','closed')),
	CONSTRAINT "outages_area" CHECK (("outages"."scope" = 'address' and "outages"."street" is not null) or ("outages"."scope" = 'nas' and "outages"."nas_id" is not null) or "outages"."scope" = 'region'),
	CONSTRAINT "outages_times" CHECK ("outages"."expected_end_at" > "outages"."starts_at" and ("outages"."ended_at" is null or "outages"."ended_at" >= "outages"."starts_at"))
);
--> statement-breakpoint
ALTER TABLE "support_tickets" ADD COLUMN "outage_id" bigint;--> statement-breakpoint
ALTER TABLE "account_tags" ADD CONSTRAINT "account_tags_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_tags" ADD CONSTRAINT "account_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_operation_items" ADD CONSTRAINT "bulk_operation_items_operation_id_bulk_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."bulk_operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outage_accounts" ADD CONSTRAINT "outage_accounts_outage_id_outages_id_fk" FOREIGN KEY ("outage_id") REFERENCES "public"."outages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outages" ADD CONSTRAINT "outages_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outages" ADD CONSTRAINT "outages_nas_id_nas_id_fk" FOREIGN KEY ("nas_id") REFERENCES "public"."nas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_tags_tag" ON "account_tags" USING btree ("tag_id","account_id");--> statement-breakpoint
CREATE INDEX "bulk_items_pending" ON "bulk_operation_items" USING btree ("operation_id","account_id") WHERE state = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "bulk_operations_key" ON "bulk_operations" USING btree ("key");--> statement-breakpoint
CREATE INDEX "bulk_operations_created" ON "bulk_operations" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "bulk_operations_outage" ON "bulk_operations" USING btree ("outage_id") WHERE outage_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name" ON "tags" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "outage_accounts_account" ON "outage_accounts" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "outages_region" ON "outages" USING btree ("region_id","created_at");--> statement-breakpoint
CREATE INDEX "outages_open" ON "outages" USING btree ("id") WHERE state = 'open';