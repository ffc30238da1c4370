/** Signed webhooks to the agent platform: events, endpoints, the delivery worker. */
export { PLATFORM_EVENT_TYPES, TEST_EVENT_TYPE, recordPlatformEvent, type PlatformEventType } from "./events";
export { sign, SIGNATURE_HEADER } from "./signing";
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
  enabledEndpointCount,
  type DeliveryRow,
  type EndpointView,
} from "./endpoints";
export {
  DEFAULT_GRACE_SECONDS,
  GRACE_CHOICES,
  deleteEndpoint,
  deleteEndpointSchema,
  rollEndpointSecret,
  rollSecretFormSchema,
  rollSecretSchema,
  setEndpointEnabled,
  updateEndpointSchema,
  type RolledSecret,
} from "./lifecycle";
export { endpointJson, endpointStatus, inGracePeriod, type EndpointStatus } from "./view";
