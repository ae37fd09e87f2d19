ALTER TABLE "support_attachments" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support_attachments" ADD COLUMN "file_removed_at" timestamp with time zone;