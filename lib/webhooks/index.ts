/** Stripe webhooks: an ack-first receiver, and a worker that applies stored events through lib/billing. */
export { receiveStripeWebhook, webhookDeliveriesInFlight, type WebhookReceipt } from "./receive";
export { recordStripeEvent, type RecordOutcome } from "./record";
export {
  WEBHOOK_JOB,
  RETRY_DELAYS_MS,
  drainStripeEvents,
  processNextEvent,
  processNextEvents,
  BATCH_HEADS,
  processEventById,
  processEvent,
  replayEvent,
  replayFailedEvents,
  type DrainReport,
  type Worked,
} from "./worker";
export { HANDLED_EVENT_TYPES, isHandledEventType } from "./handlers";
