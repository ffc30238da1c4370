import "server-only";

/** The server-only face of lib/plans: an organization's plan state read from the database. The rest is in index.ts. */
export { getPlan, resolvePlanState, type PlanState } from "./state";
export { syncPlanCatalog } from "./sync";
