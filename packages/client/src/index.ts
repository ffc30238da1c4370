export { AgentBillClient, type ClientOptions } from "./client";
export {
  fetchTransport,
  nodeTransport,
  type FetchLike,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from "./transport";
export * from "./errors";
export type * from "./types";
export {
  constructWebhookEvent,
  DEFAULT_TOLERANCE_SECONDS,
  generateWebhookTestHeader,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookSignatureError,
  webhooks,
  type RawBody,
  type SignatureHeader,
  type VerifyOptions,
  type WebhookSignatureErrorReason,
} from "./webhooks";
export { WEBHOOK_EVENT_TYPES } from "./webhook-events";
export type * from "./webhook-events";
