CREATE TYPE "public"."reservation_status" AS ENUM('active', 'committed', 'released', 'expired', 'denied');--> statement-breakpoint
CREATE TABLE "usage_reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"metric" "usage_metric" NOT NULL,
	"amount" bigint NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" "reservation_status" NOT NULL,
	"allowed" boolean NOT NULL,
	"overage" bigint DEFAULT 0 NOT NULL,
	"limit_value" bigint,
	"used_before" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"committed_quantity" bigint,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "usage_reservations" ADD CONSTRAINT "usage_reservations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "usage_reservations_org_idempotency_key" ON "usage_reservations" USING btree ("organization_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "usage_reservations_active_idx" ON "usage_reservations" USING btree ("organization_id","metric","expires_at") WHERE status = 'active';