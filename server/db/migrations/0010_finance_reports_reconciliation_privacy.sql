CREATE TABLE "consents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscriber_id" bigint NOT NULL,
	"contract_id" bigint,
	"purpose" text NOT NULL,
	"version" text NOT NULL,
	"text_sha256" text NOT NULL,
	"channel" text NOT NULL,
	"staff_id" bigint,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reconciliation_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"external_id" text NOT NULL,
	"account" text,
	"registry_amount" bigint,
	"our_amount" bigint,
	"payment_id" bigint,
	"registry_at" text,
	"status" text DEFAULT 'open' NOT NULL,
	"note" text,
	"resolved_by" bigint,
	"resolved_at" timestamp with time zone,
	"ledger_entry_id" bigint,
	CONSTRAINT "reconciliation_items_kind" CHECK ("reconciliation_items"."kind" in ('missing_here','missing_in_registry','sum_mismatch')),
	CONSTRAINT "reconciliation_items_status" CHECK ("reconciliation_items"."status" in ('open','accepted','credited','adjusted','refund','investigate'))
);
--> statement-breakpoint
CREATE TABLE "reconciliations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"day" date NOT NULL,
	"registry_count" bigint NOT NULL,
	"registry_sum" bigint NOT NULL,
	"registry_fee" bigint,
	"our_count" bigint NOT NULL,
	"our_sum" bigint NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"file_name" text,
	"file_sha256" text NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_month_charges" (
	"month" date NOT NULL,
	"region_id" bigint NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	"entries" bigint NOT NULL,
	"accounts" bigint NOT NULL,
	CONSTRAINT "report_month_charges_month_region_id_item_kind_item_id_pk" PRIMARY KEY("month","region_id","item_kind","item_id")
);
--> statement-breakpoint
CREATE TABLE "report_month_totals" (
	"month" date NOT NULL,
	"account_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"channel" text DEFAULT '' NOT NULL,
	"amount" bigint NOT NULL,
	"entries" bigint NOT NULL,
	CONSTRAINT "report_month_totals_month_account_id_kind_channel_pk" PRIMARY KEY("month","account_id","kind","channel")
);
--> statement-breakpoint
CREATE TABLE "report_months" (
	"month" date PRIMARY KEY NOT NULL,
	"checkpoint_made_at" timestamp with time zone NOT NULL,
	"entries" bigint NOT NULL,
	"total" bigint NOT NULL,
	"made_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "anonymized_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "commission_bp" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_items" ADD CONSTRAINT "reconciliation_items_reconciliation_id_reconciliations_id_fk" FOREIGN KEY ("reconciliation_id") REFERENCES "public"."reconciliations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consents_subscriber" ON "consents" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "reconciliation_items_reconciliation" ON "reconciliation_items" USING btree ("reconciliation_id");--> statement-breakpoint
CREATE INDEX "reconciliations_channel_day" ON "reconciliations" USING btree ("channel","day","id");--> statement-breakpoint
CREATE INDEX "report_month_totals_account" ON "report_month_totals" USING btree ("account_id","month");