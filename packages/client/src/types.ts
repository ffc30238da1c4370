/** The platform API's shapes (see GET /api/v1/openapi.json; tests check these against the server). */

export type Metric = "users" | "agents" | "executions" | "storage_bytes" | "gateways";
export type IngestMetric = "executions" | "agents" | "gateways" | "storage_bytes";

export type LimitCheck = {
  metric: Metric;
  allowed: boolean;
  /** null: unlimited */
  limit: number | null;
  /** Recorded usage (this usage period for executions). */
  used: number;
  /** Held by active reservations; counted against the limit. */
  reserved: number;
  /** null: unlimited */
  remaining: number | null;
  overage: number;
  reason: string;
};

export type ReservationStatus = "active" | "committed" | "released" | "expired" | "denied";

export type Reservation = {
  id: string;
  metric: "executions";
  amount: number;
  status: ReservationStatus;
  allowed: boolean;
  remaining: number | null;
  overage: number;
  expires_at: string;
  committed_quantity: number | null;
  reason: string;
};

export type ReserveInput = {
  metric: "executions";
  amount: number;
  /** Generated per call when omitted (and reused by that call's retries). */
  idempotency_key?: string;
  ttl_seconds?: number;
};

export type UsageEvent = {
  /** Generated per event when omitted (and reused by that call's retries). */
  idempotency_key?: string;
  metric: IngestMetric;
  /** executions */
  quantity?: number;
  /** gauges */
  value?: number;
  /** ISO 8601 with a time zone; defaults to now. */
  occurred_at?: string;
};

export type IngestResult = { accepted: number; duplicates: number };

export type MetricUsage = {
  metric: Metric;
  used: number;
  peak: number;
  limit: number | null;
  percent: number | null;
  remaining: number | null;
  reserved: number;
};

export type Usage = {
  organization: { slug: string; name: string };
  plan: { id: string; name: string };
  period: { start: string; end: string };
  metrics: MetricUsage[];
  daily: { from: string; to: string; points: ({ day: string } & Record<IngestMetric, number>)[] };
};

export type Flags = {
  organization: { id: string; slug: string };
  flags: Record<string, boolean>;
  details: { key: string; enabled: boolean; source: "override" | "rollout" | "default" }[];
};

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "suspended"
  | "not_found"
  | "conflict"
  | "idempotency_conflict"
  | "limit_exceeded"
  | "rate_limited"
  | "internal"
  | (string & {});
