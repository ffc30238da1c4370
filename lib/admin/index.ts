import "server-only";

/** The admin console's services: organizations, actions, overview, health, webhooks, audit. */
export { listOrganizations, escapeLike, type OrgListRow, type OrgListResult } from "./orgs-list";
export { getOrganizationDetailOrThrow, type OrgDetail } from "./org-detail";
export { setLimitOverride, removeLimitOverride, extendTrial } from "./org-actions";
export { suspendOrganization, reactivateOrganization, revokeOrganizationApiKey } from "./org-status";
export { countOrganizationsByPlan, type PlanCount } from "./overview";
export { getOverviewMetrics, type OverviewMetrics, type UsageLeader } from "./metrics";
export { mrrByMonth, signupsByMonth, type MrrSeries, type SignupPoint } from "./series";
export {
  getSystemHealth,
  defaultStripeTarget,
  HEALTH_LIMITS,
  RECONCILE_JOB,
  type SystemHealth,
  type PartStatus,
} from "./health";
export {
  listWebhookEvents,
  listWebhookTypes,
  getWebhookEventOrThrow,
  WEBHOOK_PAGE_SIZE,
  type WebhookEventRow,
} from "./webhooks";
export { listAudit, listAuditActions, auditCsv, AUDIT_PAGE_SIZE, AUDIT_EXPORT_MAX, type AuditRow } from "./audit";
export * from "./schemas";
export {
  adminChangePlan,
  adminChangePlanSchema,
  adminPreviewPlanChange,
  adminPreviewPlanSchema,
  type AdminPlanPreview,
  adminSetEnterpriseTerms,
  adminEnterpriseTermsSchema,
  adminResync,
  adminResyncSchema,
  describeResync,
  adminCreateManualInvoice,
  adminManualInvoiceSchema,
  MAX_MANUAL_LINES,
  type AdminChangePlanInput,
  type AdminEnterpriseTermsInput,
  type AdminManualInvoiceInput,
} from "./billing-ops";
export {
  adminReplayEvent,
  adminReplayFailed,
  describeReplay,
  describeReplays,
  countFailedWebhookEvents,
  replaySchema,
  type ReplayInput,
  type ReplayResult,
} from "./replay-ops";
export { LIMIT_LABEL, formatLimit } from "./labels";
export { type MoneyByCurrency } from "./revenue";
export { firstValues, hrefWith } from "./urls";
