CREATE TABLE "accounts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"contract_id" bigint NOT NULL,
	"region_id" smallint NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"credit_limit" bigint DEFAULT 0 NOT NULL,
	"promised_credit" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_number_unique" UNIQUE("number"),
	CONSTRAINT "accounts_contract_id_unique" UNIQUE("contract_id"),
	CONSTRAINT "accounts_status_check" CHECK ("accounts"."status" in ('active','blocked','suspended','terminated')),
	CONSTRAINT "accounts_credit_nonneg" CHECK ("accounts"."credit_limit" >= 0 and "accounts"."promised_credit" >= 0)
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"subscriber_id" bigint NOT NULL,
	"region_id" smallint NOT NULL,
	"signed_on" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"terminated_on" date,
	"password_hash" text,
	"must_change_password" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"full_name" text NOT NULL,
	"address" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"passport_enc" text,
	"passport_last4" text,
	"notify_email" integer DEFAULT 1 NOT NULL,
	"notify_sms" integer DEFAULT 1 NOT NULL,
	"lang" text DEFAULT 'ru' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"tariff_id" integer,
	"service_id" integer,
	"monthly_fee" bigint NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"pending_tariff_id" integer,
	"pending_from" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_target" CHECK (("subscriptions"."kind" = 'tariff' and "subscriptions"."tariff_id" is not null) or ("subscriptions"."kind" = 'service' and "subscriptions"."service_id" is not null) or ("subscriptions"."kind" = 'suspension' and "subscriptions"."tariff_id" is null and "subscriptions"."service_id" is null)),
	CONSTRAINT "subscriptions_fee_nonneg" CHECK ("subscriptions"."monthly_fee" >= 0)
);
--> statement-breakpoint
CREATE TABLE "agent_reconciliations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent_id" bigint NOT NULL,
	"day" date NOT NULL,
	"registry_count" bigint NOT NULL,
	"registry_sum" bigint NOT NULL,
	"our_count" bigint NOT NULL,
	"our_sum" bigint NOT NULL,
	"differences" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"allowed_cidrs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"min_amount" bigint DEFAULT 100 NOT NULL,
	"max_amount" bigint DEFAULT 1500000 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text,
	"before" jsonb,
	"after" jsonb,
	"ip" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"principal_type" text NOT NULL,
	"staff_id" integer,
	"contract_id" bigint,
	"user_agent" text,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"full_name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"totp_secret" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "billing_days" (
	"region_id" smallint NOT NULL,
	"day" date NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"charged" integer DEFAULT 0 NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"blocked" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "billing_days_region_id_day_pk" PRIMARY KEY("region_id","day")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"description_ru" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"monthly_fee" bigint NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	CONSTRAINT "services_region_code" UNIQUE("region_id","code")
);
--> statement-breakpoint
CREATE TABLE "tariffs" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint NOT NULL,
	"code" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"description_ru" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"monthly_fee" bigint NOT NULL,
	"speed_down_kbps" integer NOT NULL,
	"speed_up_kbps" integer NOT NULL,
	"active_from" date NOT NULL,
	"active_to" date,
	"archived" boolean DEFAULT false NOT NULL,
	CONSTRAINT "tariffs_region_code" UNIQUE("region_id","code")
);
--> statement-breakpoint
CREATE TABLE "contract_documents" (
	"contract_id" bigint PRIMARY KEY NOT NULL,
	"pdf_base64" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "number_sequences" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"notified_at" timestamp with time zone,
	"network_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ip_addresses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"region_id" smallint NOT NULL,
	"address" "inet" NOT NULL,
	"subscription_id" bigint,
	"account_id" bigint,
	"assigned_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ip_assignments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"address" "inet" NOT NULL,
	"account_id" bigint NOT NULL,
	"subscription_id" bigint NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ledger_archive" (
	"month" date PRIMARY KEY NOT NULL,
	"table_name" text NOT NULL,
	"entries" bigint NOT NULL,
	"total" bigint NOT NULL,
	"detached_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_checkpoints" (
	"as_of" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'computing' NOT NULL,
	"stale" boolean DEFAULT false NOT NULL,
	"accounts" integer DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"entries" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial NOT NULL,
	"account_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"amount" bigint NOT NULL,
	"effective_on" date NOT NULL,
	"subscription_id" bigint,
	"idempotency_key" text,
	"source" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_id_effective_on_pk" PRIMARY KEY("id","effective_on"),
	CONSTRAINT "ledger_kind_check" CHECK ("ledger_entries"."kind" in ('charge','payment','bonus','adjustment','refund','promised_payment','promised_repayment')),
	CONSTRAINT "ledger_charge_no_comment" CHECK ("ledger_entries"."kind" <> 'charge' or "ledger_entries"."comment" is null)
);
--> statement-breakpoint
CREATE TABLE "ledger_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"entry_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"effective_on" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_openings" (
	"as_of" date NOT NULL,
	"account_id" bigint NOT NULL,
	"balance" bigint NOT NULL,
	CONSTRAINT "ledger_openings_as_of_account_id_pk" PRIMARY KEY("as_of","account_id")
);
--> statement-breakpoint
CREATE TABLE "mobile_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"service_id" integer,
	"phone" text NOT NULL,
	"convenient_time" text NOT NULL,
	"comment" text,
	"status" text DEFAULT 'new' NOT NULL,
	"staff_note" text,
	"handled_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coa_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"session_id" bigint NOT NULL,
	"nas_id" integer,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"error" text,
	"staff_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "nas" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint NOT NULL,
	"name" text NOT NULL,
	"address" "inet" NOT NULL,
	"secret_enc" text NOT NULL,
	"vendor" text NOT NULL,
	"coa_port" integer DEFAULT 3799 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "nas_address" UNIQUE("address"),
	CONSTRAINT "nas_coa_port" CHECK ("nas"."coa_port" between 1 and 65535)
);
--> statement-breakpoint
CREATE TABLE "network_access" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"login" text,
	"password_enc" text,
	"mac" text,
	"opt82_remote_id" text,
	"opt82_circuit_id" text,
	"static_ip" "inet",
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "radius_auth_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"nas_address" "inet",
	"username" text NOT NULL,
	"account_id" bigint,
	"result" text NOT NULL,
	"detail" text NOT NULL,
	"calling_station_id" text
);
--> statement-breakpoint
CREATE TABLE "radius_sessions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"nas_address" "inet" NOT NULL,
	"acct_session_id" text NOT NULL,
	"username" text NOT NULL,
	"account_id" bigint,
	"framed_ip" "inet",
	"calling_station_id" text,
	"nas_port_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"input_bytes" bigint DEFAULT 0 NOT NULL,
	"output_bytes" bigint DEFAULT 0 NOT NULL,
	"session_seconds" integer DEFAULT 0 NOT NULL,
	"terminate_cause" text,
	CONSTRAINT "radius_sessions_key" UNIQUE("nas_address","acct_session_id","username")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint,
	"channel" text NOT NULL,
	"address" text,
	"template" text NOT NULL,
	"lang" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sms_parts" (
	"outbox_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"total" integer NOT NULL,
	"message_id" text,
	"state" text DEFAULT 'submitted' NOT NULL,
	"detail" text,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	CONSTRAINT "sms_parts_outbox_id_seq_pk" PRIMARY KEY("outbox_id","seq")
);
--> statement-breakpoint
CREATE TABLE "verification_codes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"contract_id" bigint NOT NULL,
	"code_hash" text NOT NULL,
	"token_hash" text,
	"target" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "verification_codes_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "payment_refunds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payment_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"staff_id" bigint NOT NULL,
	"external_id" text,
	"first_requested_at" timestamp with time zone,
	"last_requested_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "payment_refunds_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "payment_refunds_amount_positive" CHECK ("payment_refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"provider" text NOT NULL,
	"external_id" text,
	"public_id" text,
	"idempotency_key" text,
	"amount" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"method" text NOT NULL,
	"ledger_entry_id" bigint,
	"prepay_months" bigint,
	"description" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"succeeded_at" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	CONSTRAINT "payments_public_id_unique" UNIQUE("public_id"),
	CONSTRAINT "payments_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "autopay_settings" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"method_id" bigint NOT NULL,
	"mode" text NOT NULL,
	"threshold" bigint,
	"day_of_month" smallint,
	"amount" bigint NOT NULL,
	"monthly_limit" bigint NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"charge_at" timestamp with time zone,
	"noticed_at" timestamp with time zone,
	"failures" smallint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "autopay_mode" CHECK ("autopay_settings"."mode" in ('threshold','monthly')),
	CONSTRAINT "autopay_amount" CHECK ("autopay_settings"."amount" > 0 and "autopay_settings"."monthly_limit" >= "autopay_settings"."amount")
);
--> statement-breakpoint
CREATE TABLE "promised_payments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"amount" bigint NOT NULL,
	"taken_on" date NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "promised_amount" CHECK ("promised_payments"."amount" > 0),
	CONSTRAINT "promised_status" CHECK ("promised_payments"."status" in ('active','repaid','expired'))
);
--> statement-breakpoint
CREATE TABLE "saved_payment_methods" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"provider" text NOT NULL,
	"method_ref" text NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "test_acquirer_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"amount" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"return_url" text NOT NULL,
	"save_payment_method" boolean DEFAULT false NOT NULL,
	"method_ref" text,
	"card_title" text,
	"refunded" bigint DEFAULT 0 NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_participations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"promotion_id" integer NOT NULL,
	"account_id" bigint NOT NULL,
	"effect" text NOT NULL,
	"joined_on" date NOT NULL,
	"effect_from" date,
	"effect_to" date,
	"percent" smallint,
	"subscription_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotion_participations_once" UNIQUE("promotion_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint NOT NULL,
	"title_ru" text NOT NULL,
	"title_en" text NOT NULL,
	"description_ru" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"effect" text NOT NULL,
	"percent" smallint,
	"months" smallint,
	"amount" bigint,
	"service_id" integer,
	"eligibility" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "promotions_effect" CHECK (("promotions"."effect" = 'discount' and "promotions"."percent" between 1 and 100 and "promotions"."months" between 1 and 36)
       or ("promotions"."effect" = 'bonus' and "promotions"."amount" > 0)
       or ("promotions"."effect" = 'free_addon' and "promotions"."service_id" is not null and "promotions"."months" between 1 and 36))
);
--> statement-breakpoint
CREATE TABLE "receipt_settings" (
	"region_id" bigint PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"group_code" text NOT NULL,
	"inn" text NOT NULL,
	"payment_address" text NOT NULL,
	"sno" text DEFAULT 'osn' NOT NULL,
	"vat" text,
	"company_email" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payment_id" bigint NOT NULL,
	"operation" text DEFAULT 'sell' NOT NULL,
	"refund_id" bigint,
	"attempt" smallint DEFAULT 1 NOT NULL,
	"region_id" bigint NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"uuid" text,
	"total" bigint NOT NULL,
	"fn_number" text,
	"fiscal_document_number" text,
	"fiscal_document_attribute" text,
	"receipt_datetime" text,
	"receipt_url" text,
	"last_error" text,
	"payload" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receipts_refund_id_unique" UNIQUE("refund_id")
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" "smallserial" PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"time_zone" text NOT NULL,
	"support_phone" text NOT NULL,
	"support_email" text NOT NULL,
	"contract_prefix" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "regions_code_unique" UNIQUE("code"),
	CONSTRAINT "regions_contract_prefix_unique" UNIQUE("contract_prefix")
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "support_attachments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"owner_account_id" bigint,
	"owner_staff_id" integer,
	"message_id" bigint,
	"ticket_id" bigint,
	"file_name" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_attachments_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "support_attachments_owner" CHECK (("support_attachments"."owner_account_id" is null) <> ("support_attachments"."owner_staff_id" is null))
);
--> statement-breakpoint
CREATE TABLE "support_canned_replies" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint,
	"code" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"first_response_minutes" integer NOT NULL,
	"resolution_hours" integer NOT NULL,
	"is_claim" boolean DEFAULT false NOT NULL,
	"sort_order" integer DEFAULT 100 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "support_categories_sla_positive" CHECK ("support_categories"."first_response_minutes" > 0 and "support_categories"."resolution_hours" > 0)
);
--> statement-breakpoint
CREATE TABLE "support_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" bigint NOT NULL,
	"author_type" text NOT NULL,
	"staff_id" integer,
	"internal" boolean DEFAULT false NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_messages_note_by_staff" CHECK (not "support_messages"."internal" or "support_messages"."author_type" = 'staff')
);
--> statement-breakpoint
CREATE TABLE "support_tickets" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"region_id" smallint NOT NULL,
	"category_id" integer NOT NULL,
	"subject" text NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"assignee_id" integer,
	"claim_number" text,
	"claim_due_on" date,
	"claim_answered_at" timestamp with time zone,
	"first_response_due_at" timestamp with time zone NOT NULL,
	"resolution_due_at" timestamp with time zone NOT NULL,
	"first_response_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_by" text,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"unread_subscriber" integer DEFAULT 0 NOT NULL,
	"unread_staff" integer DEFAULT 0 NOT NULL,
	"last_message_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_tickets_claim_number_unique" UNIQUE("claim_number"),
	CONSTRAINT "support_tickets_status" CHECK ("support_tickets"."status" in ('new','in_progress','waiting','closed'))
);
--> statement-breakpoint
CREATE TABLE "suspensions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"ended_on" date,
	"status" text DEFAULT 'pending' NOT NULL,
	"free_days" integer,
	"daily_fee" bigint,
	"subscription_id" bigint,
	"comment" text,
	"refuse_reason" text,
	"created_by" text NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suspensions_dates" CHECK ("suspensions"."ends_on" >= "suspensions"."starts_on"),
	CONSTRAINT "suspensions_status" CHECK ("suspensions"."status" in ('pending','approved','active','finished','refused','cancelled'))
);
--> statement-breakpoint
CREATE TABLE "region_offices" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" smallint NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"address" text NOT NULL,
	"hours" text DEFAULT '' NOT NULL,
	"phone" text,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "termination_visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"office_id" integer NOT NULL,
	"visit_on" date NOT NULL,
	"visit_time" text NOT NULL,
	"phone" text,
	"status" text DEFAULT 'booked' NOT NULL,
	"handled_by" integer,
	"handled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "terminations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"terminated_on" date NOT NULL,
	"final_balance" bigint NOT NULL,
	"refund_amount" bigint DEFAULT 0 NOT NULL,
	"refund_method" text NOT NULL,
	"visit_id" bigint,
	"staff_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "terminations_account_id_unique" UNIQUE("account_id")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tariff_id_tariffs_id_fk" FOREIGN KEY ("tariff_id") REFERENCES "public"."tariffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_pending_tariff_id_tariffs_id_fk" FOREIGN KEY ("pending_tariff_id") REFERENCES "public"."tariffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_reconciliations" ADD CONSTRAINT "agent_reconciliations_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_days" ADD CONSTRAINT "billing_days_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariffs" ADD CONSTRAINT "tariffs_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_documents" ADD CONSTRAINT "contract_documents_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_events" ADD CONSTRAINT "account_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_addresses" ADD CONSTRAINT "ip_addresses_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_addresses" ADD CONSTRAINT "ip_addresses_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_addresses" ADD CONSTRAINT "ip_addresses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mobile_requests" ADD CONSTRAINT "mobile_requests_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mobile_requests" ADD CONSTRAINT "mobile_requests_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coa_requests" ADD CONSTRAINT "coa_requests_nas_id_nas_id_fk" FOREIGN KEY ("nas_id") REFERENCES "public"."nas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nas" ADD CONSTRAINT "nas_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_access" ADD CONSTRAINT "network_access_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_refunds" ADD CONSTRAINT "payment_refunds_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_settings" ADD CONSTRAINT "autopay_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "autopay_settings" ADD CONSTRAINT "autopay_settings_method_id_saved_payment_methods_id_fk" FOREIGN KEY ("method_id") REFERENCES "public"."saved_payment_methods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promised_payments" ADD CONSTRAINT "promised_payments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_payment_methods" ADD CONSTRAINT "saved_payment_methods_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_participations" ADD CONSTRAINT "promotion_participations_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_participations" ADD CONSTRAINT "promotion_participations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_participations" ADD CONSTRAINT "promotion_participations_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "receipt_settings" ADD CONSTRAINT "receipt_settings_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_attachments" ADD CONSTRAINT "support_attachments_message_id_support_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."support_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_attachments" ADD CONSTRAINT "support_attachments_ticket_id_support_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."support_tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_canned_replies" ADD CONSTRAINT "support_canned_replies_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_categories" ADD CONSTRAINT "support_categories_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_messages" ADD CONSTRAINT "support_messages_ticket_id_support_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."support_tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_category_id_support_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."support_categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suspensions" ADD CONSTRAINT "suspensions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suspensions" ADD CONSTRAINT "suspensions_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_offices" ADD CONSTRAINT "region_offices_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "termination_visits" ADD CONSTRAINT "termination_visits_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "termination_visits" ADD CONSTRAINT "termination_visits_office_id_region_offices_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."region_offices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "terminations" ADD CONSTRAINT "terminations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_region" ON "accounts" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "contracts_subscriber" ON "contracts" USING btree ("subscriber_id");--> statement-breakpoint
CREATE INDEX "subscriptions_account" ON "subscriptions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "agent_reconciliations_agent_day" ON "agent_reconciliations" USING btree ("agent_id","day");--> statement-breakpoint
CREATE INDEX "audit_entity" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "audit_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sessions_contract" ON "sessions" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "sessions_staff" ON "sessions" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "tariffs_region" ON "tariffs" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "account_events_account" ON "account_events" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "account_events_unnotified" ON "account_events" USING btree ("id") WHERE notified_at is null;--> statement-breakpoint
CREATE INDEX "account_events_network_pending" ON "account_events" USING btree ("id") WHERE network_at is null and kind in ('blocked', 'unblocked', 'suspended', 'resumed', 'tariff_changed', 'terminated', 'static_ip_assigned', 'static_ip_released');--> statement-breakpoint
CREATE UNIQUE INDEX "ip_addresses_address" ON "ip_addresses" USING btree ("address");--> statement-breakpoint
CREATE UNIQUE INDEX "ip_addresses_subscription" ON "ip_addresses" USING btree ("subscription_id");--> statement-breakpoint
CREATE INDEX "ip_addresses_free" ON "ip_addresses" USING btree ("region_id","released_at" NULLS FIRST,"address") WHERE subscription_id is null;--> statement-breakpoint
CREATE INDEX "ip_addresses_account" ON "ip_addresses" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "ip_assignments_address" ON "ip_assignments" USING btree ("address","assigned_at");--> statement-breakpoint
CREATE INDEX "ip_assignments_account" ON "ip_assignments" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_key" ON "jobs" USING btree ("key");--> statement-breakpoint
CREATE INDEX "jobs_due" ON "jobs" USING btree ("run_at") WHERE state in ('queued','running');--> statement-breakpoint
CREATE INDEX "jobs_dead" ON "jobs" USING btree ("finished_at") WHERE state = 'dead';--> statement-breakpoint
CREATE INDEX "ledger_account_day" ON "ledger_entries" USING btree ("account_id","effective_on","id","kind","amount");--> statement-breakpoint
CREATE INDEX "ledger_day_brin" ON "ledger_entries" USING brin ("effective_on") WITH (autosummarize=on);--> statement-breakpoint
CREATE INDEX "ledger_idempotency_key" ON "ledger_entries" USING btree ("idempotency_key") WHERE idempotency_key is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_charge_per_day" ON "ledger_entries" USING btree ("subscription_id","effective_on") WHERE kind = 'charge';--> statement-breakpoint
CREATE INDEX "mobile_requests_account" ON "mobile_requests" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "mobile_requests_open" ON "mobile_requests" USING btree ("created_at") WHERE status in ('new','in_progress');--> statement-breakpoint
CREATE INDEX "coa_requests_account" ON "coa_requests" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "coa_requests_unfinished" ON "coa_requests" USING btree ("id") WHERE status in ('pending', 'timeout', 'error');--> statement-breakpoint
CREATE INDEX "nas_region" ON "nas" USING btree ("region_id");--> statement-breakpoint
CREATE UNIQUE INDEX "network_access_login" ON "network_access" USING btree ("login");--> statement-breakpoint
CREATE UNIQUE INDEX "network_access_mac" ON "network_access" USING btree ("mac");--> statement-breakpoint
CREATE UNIQUE INDEX "network_access_opt82" ON "network_access" USING btree ("opt82_remote_id","opt82_circuit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "network_access_static_ip" ON "network_access" USING btree ("static_ip");--> statement-breakpoint
CREATE INDEX "radius_auth_log_account" ON "radius_auth_log" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "radius_auth_log_at" ON "radius_auth_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "radius_sessions_account" ON "radius_sessions" USING btree ("account_id","started_at");--> statement-breakpoint
CREATE INDEX "radius_sessions_open_ip" ON "radius_sessions" USING btree ("framed_ip") WHERE stopped_at is null;--> statement-breakpoint
CREATE INDEX "radius_sessions_open_nas" ON "radius_sessions" USING btree ("nas_address") WHERE stopped_at is null;--> statement-breakpoint
CREATE INDEX "outbox_account" ON "outbox" USING btree ("account_id","channel","id");--> statement-breakpoint
CREATE INDEX "outbox_unread" ON "outbox" USING btree ("account_id") WHERE channel = 'inbox' and read_at is null;--> statement-breakpoint
CREATE INDEX "outbox_undelivered" ON "outbox" USING btree ("channel","created_at") WHERE state <> 'sent';--> statement-breakpoint
CREATE INDEX "sms_parts_message" ON "sms_parts" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "verification_contract" ON "verification_codes" USING btree ("contract_id","purpose");--> statement-breakpoint
CREATE INDEX "payment_refunds_payment" ON "payment_refunds" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "payment_refunds_pending" ON "payment_refunds" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "payments_account" ON "payments" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_provider_external" ON "payments" USING btree ("provider","external_id");--> statement-breakpoint
CREATE INDEX "promised_account" ON "promised_payments" USING btree ("account_id","taken_on");--> statement-breakpoint
CREATE UNIQUE INDEX "promised_one_active" ON "promised_payments" USING btree ("account_id") WHERE status = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "saved_methods_ref" ON "saved_payment_methods" USING btree ("provider","method_ref");--> statement-breakpoint
CREATE INDEX "saved_methods_account" ON "saved_payment_methods" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "promotion_participations_discount" ON "promotion_participations" USING btree ("account_id","effect_from","effect_to") WHERE effect = 'discount';--> statement-breakpoint
CREATE INDEX "promotions_region" ON "promotions" USING btree ("region_id","starts_on");--> statement-breakpoint
CREATE INDEX "receipts_status" ON "receipts" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "receipts_one_sale" ON "receipts" USING btree ("payment_id") WHERE operation = 'sell';--> statement-breakpoint
CREATE INDEX "support_attachments_message" ON "support_attachments" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "support_attachments_pending" ON "support_attachments" USING btree ("created_at") WHERE message_id is null;--> statement-breakpoint
CREATE INDEX "support_canned_region" ON "support_canned_replies" USING btree ("region_id");--> statement-breakpoint
CREATE UNIQUE INDEX "support_categories_common_code" ON "support_categories" USING btree ("code") WHERE region_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "support_categories_region_code" ON "support_categories" USING btree ("region_id","code");--> statement-breakpoint
CREATE INDEX "support_messages_ticket" ON "support_messages" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE INDEX "support_tickets_account" ON "support_tickets" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "support_tickets_queue" ON "support_tickets" USING btree ("region_id","category_id","created_at");--> statement-breakpoint
CREATE INDEX "support_tickets_open" ON "support_tickets" USING btree ("status","last_message_at") WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX "support_tickets_first_response" ON "support_tickets" USING btree ("first_response_at");--> statement-breakpoint
CREATE INDEX "suspensions_account" ON "suspensions" USING btree ("account_id","starts_on");--> statement-breakpoint
CREATE INDEX "suspensions_open" ON "suspensions" USING btree ("status","starts_on") WHERE status in ('pending','approved','active');--> statement-breakpoint
CREATE INDEX "region_offices_region" ON "region_offices" USING btree ("region_id");--> statement-breakpoint
CREATE UNIQUE INDEX "termination_visits_one_booked" ON "termination_visits" USING btree ("account_id") WHERE status = 'booked';--> statement-breakpoint
CREATE INDEX "termination_visits_day" ON "termination_visits" USING btree ("visit_on");