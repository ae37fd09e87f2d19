CREATE TABLE "upload_usage" (
	"owner" text NOT NULL,
	"day" date NOT NULL,
	"bytes" bigint NOT NULL,
	"files" bigint NOT NULL,
	CONSTRAINT "upload_usage_owner_day_pk" PRIMARY KEY("owner","day")
);
