CREATE TABLE "installation" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"id" text NOT NULL,
	"system_identifier" text,
	"timeline" bigint,
	"previous" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "installation_singleton" CHECK ("installation"."singleton"),
	CONSTRAINT "installation_id_format" CHECK ("installation"."id" ~ '^[a-z0-9]{4,12}$')
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "fiscalizes" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD COLUMN "provider_key" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "provider_key" text;--> statement-breakpoint
ALTER TABLE "autopay_settings" ADD COLUMN "decline_reason" text;--> statement-breakpoint
ALTER TABLE "receipts" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "receipts" ADD COLUMN "polls" bigint DEFAULT 0 NOT NULL;