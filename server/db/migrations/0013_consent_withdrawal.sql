ALTER TABLE "consents" ADD COLUMN "withdrawn_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "withdrawal_channel" text;--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "withdrawn_by_staff_id" bigint;