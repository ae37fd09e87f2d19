-- A NAS added from now on must send a Message-Authenticator (Blast-RADIUS, CVE-2024-3596); the ones
-- already in the registry keep working as they did until staff turn it on (docs/network.md, "Hardening").
ALTER TABLE "nas" ADD COLUMN "require_message_authenticator" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "nas" ALTER COLUMN "require_message_authenticator" SET DEFAULT true;
