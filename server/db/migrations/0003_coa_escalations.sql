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
CREATE UNIQUE INDEX "coa_escalations_request" ON "coa_escalations" USING btree ("coa_request_id");--> statement-breakpoint
CREATE INDEX "coa_escalations_open" ON "coa_escalations" USING btree ("created_at") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "coa_escalations_account" ON "coa_escalations" USING btree ("account_id","created_at");