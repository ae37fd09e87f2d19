CREATE TABLE "import_files" (
	"run_id" bigint NOT NULL,
	"name" text NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_files_run_id_name_pk" PRIMARY KEY("run_id","name")
);
--> statement-breakpoint
CREATE TABLE "import_links" (
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"target_id" bigint NOT NULL,
	"run_id" bigint NOT NULL,
	"amount" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_links_source_kind_source_id_pk" PRIMARY KEY("source","kind","source_id")
);
--> statement-breakpoint
CREATE TABLE "import_password_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"delivery" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"done" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"skipped" bigint DEFAULT 0 NOT NULL,
	"pdf" "bytea",
	"staff_id" bigint,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_payment_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"amount" bigint NOT NULL,
	"kind" text NOT NULL,
	"method" text,
	"comment" text,
	"run_id" bigint NOT NULL,
	CONSTRAINT "import_payment_history_source" UNIQUE("source","source_id")
);
--> statement-breakpoint
CREATE TABLE "import_problems" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"severity" text NOT NULL,
	"ref" text NOT NULL,
	"source_id" text,
	"reason" text NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"phase" text DEFAULT 'queued' NOT NULL,
	"permille" bigint DEFAULT 0 NOT NULL,
	"done" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"mapping" text,
	"report" jsonb,
	"connection_enc" text,
	"files_run_id" bigint,
	"staff_id" bigint,
	"started_by" text DEFAULT 'staff' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_stage_payments" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"subscriber_source_id" text NOT NULL,
	"ref" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"amount" bigint NOT NULL,
	"kind" text NOT NULL,
	"method" text,
	"comment" text
);
--> statement-breakpoint
CREATE TABLE "import_stage_subscribers" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"source_id" text NOT NULL,
	"ref" text NOT NULL,
	"problem" text,
	"full_name" text NOT NULL,
	"address" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"passport_enc" text,
	"passport_last4" text,
	"contract" text,
	"account_number" text,
	"region_code" text,
	"tariff_code" text,
	"personal_fee" bigint,
	"addons" text[] DEFAULT '{}' NOT NULL,
	"status" text NOT NULL,
	"login" text,
	"password_enc" text,
	"mac" text,
	"ip" "inet",
	"balance" bigint NOT NULL,
	"credit_limit" bigint DEFAULT 0 NOT NULL,
	"signed_on" date,
	"closed_on" date,
	"linked_account_id" bigint,
	"linked_amount" bigint,
	"subscriber_id" bigint,
	"contract_id" bigint,
	"account_id" bigint,
	"region_id" bigint
);
--> statement-breakpoint
CREATE INDEX "import_links_target" ON "import_links" USING btree ("kind","target_id");--> statement-breakpoint
CREATE INDEX "import_payment_history_account" ON "import_payment_history" USING btree ("account_id","paid_at");--> statement-breakpoint
CREATE INDEX "import_problems_run" ON "import_problems" USING btree ("run_id","severity","id");--> statement-breakpoint
CREATE UNIQUE INDEX "import_runs_one_running" ON "import_runs" USING btree ("state") WHERE state = 'running';--> statement-breakpoint
CREATE INDEX "import_runs_created" ON "import_runs" USING btree ("created_at");