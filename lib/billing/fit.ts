import type { Limits } from "@/lib/plans/limits";
import { fmt, limitForMetric, type Metric } from "@/lib/plans/limits";

export type FitProblem = { metric: Metric; used: number; limit: number; message: string };

const NOUN: Record<Metric, [string, string]> = {
  users: ["member", "members"],
  agents: ["agent", "agents"],
  gateways: ["gateway", "gateways"],
  storage_bytes: ["of storage", "of storage"],
  executions: ["execution", "executions"],
};

/**
 * Does current use fit a plan's limits? Members, agents, gateways and storage must fit now;
 * executions reset with the period, so they never block a change that takes effect later.
 * Each problem says what to reduce.
 */
export function checkFit(usage: { metric: Metric; used: number }[], target: Limits, planName: string): FitProblem[] {
  const problems: FitProblem[] = [];
  for (const { metric, used } of usage) {
    if (metric === "executions") continue;
    const limit = limitForMetric(target, metric);
    if (limit === null || used <= limit) continue;
    const over = used - limit;
    const [one, many] = NOUN[metric];
    const message =
      metric === "storage_bytes"
        ? `You store ${fmt(used, metric)}; ${planName} allows ${fmt(limit, metric)}. Delete ${fmt(over, metric)} of data first.`
        : `You have ${fmt(used, metric)} ${used === 1 ? one : many}; ${planName} allows ${fmt(limit, metric)}. Remove ${fmt(over, metric)} ${over === 1 ? one : many} first.`;
    problems.push({ metric, used, limit, message });
  }
  return problems;
}

export type OverLimit = { metric: Metric; used: number; limit: number; over: number; text: string };

/**
 * What is over the limits in force now (after a cancellation: Free's), every metric included:
 * nothing is deleted, but more of it is refused. `text` reads "46 agents (Free allows 10)".
 */
export function overLimits(
  usage: { metric: Metric; used: number; limit: number | null }[],
  planName: string,
): OverLimit[] {
  const out: OverLimit[] = [];
  for (const { metric, used, limit } of usage) {
    if (limit === null || used <= limit) continue;
    const [one, many] = NOUN[metric];
    const amount =
      metric === "storage_bytes" ? `${fmt(used, metric)} ${one}` : `${fmt(used, metric)} ${used === 1 ? one : many}`;
    const allows = `${planName} allows ${fmt(limit, metric)}${metric === "executions" ? " a month" : ""}`;
    out.push({ metric, used, limit, over: used - limit, text: `${amount} (${allows})` });
  }
  return out;
}
