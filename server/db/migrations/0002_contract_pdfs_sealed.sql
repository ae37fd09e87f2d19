CREATE TABLE "contract_pdfs" (
	"contract_id" bigint PRIMARY KEY NOT NULL,
	"pdf_enc" text NOT NULL,
	"signed_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contract_pdfs" ADD CONSTRAINT "contract_pdfs_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_pdfs" ADD CONSTRAINT "contract_pdfs_signed_by_staff_users_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The PDFs kept in clear before (their last page shows the initial password) go: they were printable
-- for 24 hours only, and from now on a PDF is kept sealed in contract_pdfs.
DELETE FROM "contract_documents";
