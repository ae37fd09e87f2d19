-- Staff who existed before region scope keep every region (nobody is locked out by the upgrade);
-- the default then turns to "no region", so a user created later sees nothing until given regions.
ALTER TABLE "staff_users" ADD COLUMN "all_regions" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ALTER COLUMN "all_regions" SET DEFAULT false;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "region_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL;
