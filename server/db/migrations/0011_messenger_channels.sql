CREATE TABLE "messenger_chats" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"messenger" text NOT NULL,
	"chat_id" text NOT NULL,
	"title" text,
	"language_code" text,
	"current_account_id" bigint,
	"state" jsonb,
	"blocked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messenger_chats_chat" UNIQUE("messenger","chat_id")
);
--> statement-breakpoint
CREATE TABLE "messenger_link_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"messenger" text NOT NULL,
	"account_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messenger_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_row_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"subscriber_id" bigint NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messenger_links_chat_account" UNIQUE("chat_row_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "messenger_updates" (
	"messenger" text NOT NULL,
	"update_id" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messenger_updates_messenger_update_id_pk" PRIMARY KEY("messenger","update_id")
);
--> statement-breakpoint
CREATE TABLE "notice_preferences" (
	"subscriber_id" bigint NOT NULL,
	"notice_type" text NOT NULL,
	"channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notice_preferences_subscriber_id_notice_type_pk" PRIMARY KEY("subscriber_id","notice_type")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "notice_id" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "fallback_of" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "meta" jsonb;--> statement-breakpoint
ALTER TABLE "messenger_link_tokens" ADD CONSTRAINT "messenger_link_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messenger_links" ADD CONSTRAINT "messenger_links_chat_row_id_messenger_chats_id_fk" FOREIGN KEY ("chat_row_id") REFERENCES "public"."messenger_chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messenger_links" ADD CONSTRAINT "messenger_links_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messenger_links" ADD CONSTRAINT "messenger_links_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_preferences" ADD CONSTRAINT "notice_preferences_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messenger_link_tokens_account" ON "messenger_link_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "messenger_links_account" ON "messenger_links" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "messenger_updates_received" ON "messenger_updates" USING btree ("received_at");