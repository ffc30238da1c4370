import type {
  InvoiceStatus,
  OutboxStatus,
  SubscriptionStatus,
  WebhookDeliveryStatus,
  jobStatus,
  orgStatus,
  stripeEventStatus,
} from "@/db/schema";
import type { PartStatus } from "@/lib/admin";
import type { JobHealthStatus } from "@/lib/jobs";
import type { EndpointStatus } from "@/lib/outbound-webhooks";

/**
 * Every status word a badge shows (components/ui/status-badge.tsx), derived from the schema's
 * enums and the views' own status types: a new status anywhere must get a colour before a page
 * can show it, because the badge's colour map is a Record over this union.
 */
export type ShownStatus =
  | (typeof orgStatus.enumValues)[number]
  | SubscriptionStatus
  | InvoiceStatus
  | "overdue"
  | "credited"
  | (typeof stripeEventStatus.enumValues)[number]
  | (typeof jobStatus.enumValues)[number]
  | JobHealthStatus
  | PartStatus
  | OutboxStatus
  | WebhookDeliveryStatus
  | EndpointStatus;
