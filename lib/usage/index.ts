/** Usage tracking: ingest, counters and roll-ups, limit checks, reconciliation, period records, alerts. */
export { ingestUsageEvents, type IngestResult } from "./ingest";
export {
  parseUsageBatch,
  eventTimeProblem,
  INGEST_METRICS,
  MAX_BATCH,
  type IngestMetric,
  type UsageEventInput,
} from "./validate";
export { checkLimit, assertWithinLimit, limitCheckSchema, type LimitCheck } from "./limits";
export { getUsageOverview, type MetricUsage, type UsageOverview } from "./summary";
export {
  getDailySeries,
  getPeriodComparison,
  usageQuerySchema,
  type DailyPoint,
  type PeriodComparison,
} from "./series";
export {
  reconcileUsage,
  runUsageJob,
  raiseUsageAlerts,
  closeAllEndedPeriods,
  resolveReconcileOptions,
  reconcileParamsSchema,
  USAGE_JOB,
  type ReconcileReport,
} from "./reconcile";
export { snapshotUsagePeriod, closeEndedPeriods } from "./period-close";
export { computePeriodCost, coveredPart } from "./cost";
export { recordUsageAlerts, alertCandidates, ALERT_THRESHOLDS, USAGE_ALERT_KIND } from "./alerts";
export { loadPlanContext, type PlanContext } from "./plan-context";
export { usagePeriodFor, periodsOverlapping, type PeriodSource } from "./periods";
export { overageLines, type OverageLine } from "./cost";
export { usedFrom } from "./limits";
export { periodSourceOf } from "./periods";
export { overagePricesOf } from "./plan-context";
export {
  RANGE_DAYS,
  describeChange,
  describeProjection,
  parseRangeDays,
  periodChartPoints,
  projectToPeriodEnd,
  summarize,
  type Change,
  type PeriodChartPoint,
  usageCsv,
  usageCsvFilename,
  describePeriodUse,
  periodDay,
} from "./projection";
export { rebuildCounters, rebuildDaily, startOfUtcDay } from "./rollup";
export {
  getBillingDashboard,
  resolveExportRange,
  type BillingDashboard,
  type NextInvoice,
  usageExportQuerySchema,
} from "./trends";
export {
  commitReservation,
  commitSchema,
  expireReservations,
  getReservation,
  releaseReservation,
  reserveSchema,
  reserveUsage,
} from "./reservations";
export { getOutstandingInvoice } from "./trends";
export { usageBatchSchema } from "./validate";
export { ingestGrouped } from "./group-commit";
export { carryUsageAcrossChange } from "./period-carry";
