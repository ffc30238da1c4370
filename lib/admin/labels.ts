import type { LimitKey } from "@/db/schema";

/** How the console names the five limits (storage is set in GB). */
export const LIMIT_LABEL: Record<LimitKey, string> = {
  maxUsers: "Users",
  maxAgents: "Agents",
  maxExecutionsPerMonth: "Executions per month",
  maxStorageGb: "Storage (GB)",
  maxGateways: "Gateways",
};

export function formatLimit(value: number | null | undefined): string {
  if (value === undefined) return "—";
  return value === null ? "unlimited" : value.toLocaleString("en-US");
}
