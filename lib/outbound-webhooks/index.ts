/** Signed webhooks to the agent platform: events, endpoints, the delivery worker. */
export { PLATFORM_EVENT_TYPES, TEST_EVENT_TYPE, recordPlatformEvent, type PlatformEventType } from "./events";
export { sign, verifySignature, SIGNATURE_HEADER } from "./signing";
export { assertDeliverableUrl, isPrivateAddress } from "./targets";
export {
  drainWebhookDeliveries,
  fanOutEvents,
  retryDelayMs,
  eventBody,
  OUTBOUND_WEBHOOK_JOB,
  GIVE_UP_AFTER_MS,
  type AttemptOutcome,
  type DeliveryOptions,
} from "./delivery";
export {
  createEndpoint,
  createEndpointSchema,
  createEndpointFormSchema,
  endpointReasonSchema,
  getEndpointOrThrow,
  listDeliveries,
  listEndpoints,
  redeliver,
  sendTestEvent,
  setEndpointEnabled,
  enabledEndpointCount,
  type DeliveryRow,
  type EndpointView,
} from "./endpoints";
