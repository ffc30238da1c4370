import type { LimitKey, LimitOverrides } from "@/db/schema";

/** The metrics a limit applies to. `users` is the count of memberships; the others are ingested. */
export const METRICS = ["users", "agents", "executions", "storage_bytes", "gateways"] as const;
export type Metric = (typeof METRICS)[number];

export const METRIC_LIMIT_KEY: Record<Metric, LimitKey> = {
  users: "maxUsers",
  agents: "maxAgents",
  executions: "maxExecutionsPerMonth",
  storage_bytes: "maxStorageGb",
  gateways: "maxGateways",
};

/**
 * What people call each metric, everywhere: customer pages, invoices and their PDF, limit messages
 * and the console. The people of an organization are its "Members" (the metric's key stays `users`).
 */
export const METRIC_LABEL: Record<Metric, string> = {
  users: "Members",
  agents: "Agents",
  executions: "Executions",
  storage_bytes: "Storage",
  gateways: "Gateways",
};

/** The metric counted in a sentence: "1 member", "3 members", "10,000 executions". */
export const METRIC_NOUN: Record<Metric, { one: string; many: string }> = {
  users: { one: "member", many: "members" },
  agents: { one: "agent", many: "agents" },
  executions: { one: "execution", many: "executions" },
  storage_bytes: { one: "storage", many: "storage" },
  gateways: { one: "gateway", many: "gateways" },
};

/** The name of a metric's limit: executions are limited per month, the others at any moment. */
export function limitLabel(metric: Metric): string {
  return metric === "executions" ? `${METRIC_LABEL.executions} / month` : METRIC_LABEL[metric];
}

/** Storage limits are set in GB (10^9 bytes, as cloud providers bill) and measured in bytes. */
export const BYTES_PER_GB = 1_000_000_000;

/** All five limits; null = unlimited. */
export type Limits = Record<LimitKey, number | null>;

export function limitsOf(row: Record<LimitKey, number | null>): Limits {
  return {
    maxUsers: row.maxUsers,
    maxAgents: row.maxAgents,
    maxExecutionsPerMonth: row.maxExecutionsPerMonth,
    maxStorageGb: row.maxStorageGb,
    maxGateways: row.maxGateways,
  };
}

/** Overrides win key by key; an override of null lifts the limit. */
export function applyOverrides(base: Limits, overrides: LimitOverrides | null | undefined): Limits {
  const out = { ...base };
  for (const [k, v] of Object.entries(overrides ?? {}) as [LimitKey, number | null | undefined][]) {
    if (v !== undefined && k in out) out[k] = v;
  }
  return out;
}

/** A limit for a metric in the metric's own unit (storage in bytes). */
export function limitForMetric(limits: Limits, metric: Metric): number | null {
  const raw = limits[METRIC_LIMIT_KEY[metric]];
  if (raw === null) return null;
  return metric === "storage_bytes" ? raw * BYTES_PER_GB : raw;
}

export type LimitDecision = {
  allowed: boolean;
  /** null = unlimited */
  limit: number | null;
  used: number;
  /** null = unlimited */
  remaining: number | null;
  /** Units this action would put beyond the limit and bill as overage (0 when within it). */
  overage: number;
  reason: string;
};

/**
 * May `amount` more be used, given `used` of `limit`? Unlimited always allows; a limit with an
 * overage price allows and counts the excess as overage; otherwise the limit is hard.
 * Counters ask for an increment; gauges pass the increase they want (e.g. 1 more agent).
 */
export function evaluateLimit(input: {
  metric: Metric;
  limit: number | null;
  used: number;
  amount: number;
  overagePriced?: boolean;
  planName?: string;
}): LimitDecision {
  const { metric, limit, used, amount } = input;
  const label = METRIC_NOUN[metric].many;
  if (limit === null) {
    return { allowed: true, limit: null, used, remaining: null, overage: 0, reason: `No ${label} limit on this plan.` };
  }
  const remaining = Math.max(0, limit - used);
  const after = used + amount;
  if (after <= limit) {
    return {
      allowed: true,
      limit,
      used,
      remaining,
      overage: 0,
      reason: `Within the limit: ${fmt(after, metric)} of ${fmt(limit, metric)}.`,
    };
  }
  const overage = after - Math.max(limit, used);
  if (input.overagePriced) {
    return {
      allowed: true,
      limit,
      used,
      remaining,
      overage,
      reason: `Over the limit of ${fmt(limit, metric)}: ${fmt(overage, metric)} will be billed as overage.`,
    };
  }
  const plan = input.planName ? `the ${input.planName} plan's` : "the";
  if (used > limit) {
    // Already over (e.g. after a cancellation to Free): everything is kept, nothing more is added.
    const unit = metric === "storage_bytes" ? "of storage" : label;
    return {
      allowed: false,
      limit,
      used,
      remaining,
      overage: 0,
      reason: `You have ${fmt(used, metric)} ${unit}, over ${plan} limit of ${fmt(limit, metric)}: nothing was deleted, but no more can be added. Remove ${fmt(after - limit, metric)} to add ${fmt(amount, metric)}, or upgrade your plan.`,
    };
  }
  return {
    allowed: false,
    limit,
    used,
    remaining,
    overage: 0,
    reason: `This would reach ${fmt(after, metric)} ${label}, over ${plan} limit of ${fmt(limit, metric)}. Upgrade your plan or reduce usage.`,
  };
}

/** Share of a limit used, 0–100+ (whole percent, rounded down); null when unlimited. */
export function percentUsed(used: number, limit: number | null): number | null {
  if (limit === null) return null;
  if (limit === 0) return used > 0 ? 100 : 0;
  return Math.floor((used * 100) / limit);
}

export function fmt(value: number, metric: Metric): string {
  if (metric === "storage_bytes") return formatBytes(value);
  return groupThousands(value);
}

/**
 * `1234567` → "1,234,567", as `toLocaleString("en-US")` writes it. Whole numbers are grouped by
 * hand: every limit check and reservation writes its reason with this, and ICU's formatting cost
 * about 20 µs a call there. Other numbers go to ICU.
 */
export function groupThousands(value: number): string {
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return value.toLocaleString("en-US");
  const digits = String(Math.abs(value));
  let out = digits.length > 3 ? digits.slice(0, ((digits.length - 1) % 3) + 1) : digits;
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return value < 0 ? `-${out}` : out;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = -1;
  while (v >= 1_000 && i < units.length - 1) {
    v /= 1_000;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}
