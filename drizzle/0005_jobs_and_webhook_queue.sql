CREATE TABLE "job_state" (
	"name" text PRIMARY KEY NOT NULL,
	"every_ms" integer NOT NULL,
	"late_after_ms" integer NOT NULL,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_status" "job_status",
	"last_duration_ms" integer,
	"last_error" text,
	"last_error_detail" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_result" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "last_error_detail" text;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "stripe_events_due_idx" ON "stripe_events" USING btree ("next_attempt_at") WHERE "stripe_events"."status" in ('pending', 'failed') and "stripe_events"."next_attempt_at" is not null;--> statement-breakpoint
CREATE INDEX "stripe_events_object_open_idx" ON "stripe_events" USING btree ("object_id","stripe_created") WHERE "stripe_events"."status" in ('pending', 'failed') and "stripe_events"."next_attempt_at" is not null;