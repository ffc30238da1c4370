import { z } from "zod";
import { AppError } from "@/lib/errors";
import { invalidIssues, type FieldIssue } from "@/lib/http/errors";
import { EngineDate } from "@/lib/engine-date";

/**
 * Validation of an ingest batch. Pure (the clock is a parameter) so unit tests cover every rule.
 * A batch is all or nothing: any bad event rejects the whole batch with one message per event.
 */

export const INGEST_METRICS = ["executions", "agents", "gateways", "storage_bytes"] as const;
export type IngestMetric = (typeof INGEST_METRICS)[number];
/** Counters add up; gauges report the current value. */
export const COUNTER_METRICS: readonly IngestMetric[] = ["executions"];
export const isCounter = (m: IngestMetric) => m === "executions";

export const MAX_BATCH = 1_000;
export const MAX_AGE_MS = 35 * 86_400_000;
export const MAX_FUTURE_MS = 5 * 60_000;
/** Per-event caps that keep sums exact in JavaScript numbers and bigint columns. */
export const MAX_AMOUNT: Record<IngestMetric, number> = {
  executions: 1_000_000_000,
  agents: 1_000_000_000,
  gateways: 1_000_000_000,
  storage_bytes: 1_000_000_000_000_000,
};

export type UsageEventInput = { key: string; metric: IngestMetric; quantity: number; occurredAt: Date };
export type EventIssue = { index: number; idempotency_key?: string; message: string };

const batchSchema = z.object(
  {
    events: z
      .array(z.unknown(), { error: "events must be an array of usage events." })
      .min(1, "events is empty: send 1 to 1,000 events per batch.")
      .max(MAX_BATCH, `Too many events: send at most ${MAX_BATCH.toLocaleString("en-US")} per batch.`),
  },
  { error: 'The body must be a JSON object like { "events": [ … ] }.' },
);

const eventSchema = z.object(
  {
    idempotency_key: z
      .string({ error: "idempotency_key is required: a string unique to this event, e.g. a UUID." })
      .min(1, "idempotency_key must not be empty.")
      .max(200, "idempotency_key must be at most 200 characters."),
    metric: z.string({ error: `metric is required: one of ${INGEST_METRICS.join(", ")}.` }),
    quantity: z.unknown().optional(),
    value: z.unknown().optional(),
    occurred_at: z.iso.datetime({
      offset: true,
      error: "occurred_at must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-24T12:00:00Z.",
    }),
  },
  { error: "Each event must be a JSON object." },
);

/**
 * The batch as the API documents it (OpenAPI). `parseUsageBatch` below applies the same rules
 * event by event, so that a bad batch is answered with one message per bad event.
 */
export const usageEventDocSchema = z
  .object({
    idempotency_key: z.string().min(1).max(200).meta({ description: "Unique to this event within the organization." }),
    metric: z.enum(INGEST_METRICS),
    quantity: z
      .number()
      .int()
      .min(0)
      .max(MAX_AMOUNT.storage_bytes)
      .optional()
      .meta({ description: `executions: how many (≥ 0, at most ${MAX_AMOUNT.executions.toLocaleString("en-US")}).` }),
    value: z
      .number()
      .int()
      .min(0)
      .max(MAX_AMOUNT.storage_bytes)
      .optional()
      .meta({
        description: `Gauges: the current value (storage in bytes; at most ${MAX_AMOUNT.agents.toLocaleString("en-US")} agents or gateways). Send quantity or value, not both.`,
      }),
    occurred_at: z.iso
      .datetime({ offset: true })
      .meta({ description: "At most 35 days old and 5 minutes ahead of our clock." }),
  })
  .strict()
  .meta({ id: "UsageEvent" });
export const usageBatchSchema = z
  .object({ events: z.array(usageEventDocSchema).min(1).max(MAX_BATCH) })
  .strict()
  .meta({ id: "UsageEventBatch" });

/**
 * Strict like every JSON body (lib/input/strict.ts), without a second zod parse per event on the
 * hottest path: a key outside these sets (taken from the documented schemas, so the two can't
 * drift) is refused with zodIssues' wording (lib/http/errors.ts), named by its path.
 */
const BATCH_FIELDS: ReadonlySet<string> = new Set(Object.keys(usageBatchSchema.shape));
const EVENT_FIELDS: ReadonlySet<string> = new Set(Object.keys(usageEventDocSchema.shape));
const NOT_A_FIELD = "is not a field here (check its spelling).";

/** Why an event time is refused, or null when it is inside the accepted window. */
export function eventTimeProblem(occurredAt: Date, now: Date): string | null {
  const t = occurredAt.getTime();
  if (Number.isNaN(t)) return "occurred_at is not a valid time.";
  if (t < now.getTime() - MAX_AGE_MS) return "occurred_at is more than 35 days old; older usage cannot be reported.";
  if (t > now.getTime() + MAX_FUTURE_MS)
    return "occurred_at is more than 5 minutes in the future; check the sender's clock.";
  return null;
}

function metricProblem(metric: string): string | null {
  if ((INGEST_METRICS as readonly string[]).includes(metric)) return null;
  if (metric === "users") return "users is not ingested: it is counted from the organization's members.";
  return `unknown metric "${metric.slice(0, 40)}": use one of ${INGEST_METRICS.join(", ")}.`;
}

function amountProblem(metric: IngestMetric, quantity: unknown, value: unknown): { amount?: number; problem?: string } {
  const field = isCounter(metric) ? "quantity" : "value";
  if (quantity !== undefined && value !== undefined) return { problem: "send either quantity or value, not both." };
  const raw = quantity ?? value;
  if (raw === undefined || raw === null) {
    return { problem: `${field} is required for ${metric}: a whole number ≥ 0.` };
  }
  if (typeof raw !== "number" || !Number.isInteger(raw))
    return { problem: `${field} must be a whole number (got ${JSON.stringify(raw).slice(0, 30)}).` };
  if (raw < 0) return { problem: `${field} must not be negative (got ${raw}).` };
  if (raw > MAX_AMOUNT[metric])
    return { problem: `${field} is too large for one event (at most ${MAX_AMOUNT[metric].toLocaleString("en-US")}).` };
  return { amount: raw };
}

/**
 * The common case without zod (the single-event path is hot): a JSON object with only `events`,
 * an array of 1 to MAX_BATCH. Anything else (null: not this case) goes through batchSchema for
 * its message.
 */
function plainEnvelope(body: unknown): unknown[] | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  for (const key in body) if (!BATCH_FIELDS.has(key)) return null;
  const events = (body as { events?: unknown }).events;
  return Array.isArray(events) && events.length >= 1 && events.length <= MAX_BATCH ? events : null;
}

/** The envelope through batchSchema: a 400 with its message, or the events (a bare array is accepted too). */
function checkedEnvelope(body: unknown): unknown[] {
  const envelope = batchSchema.safeParse(Array.isArray(body) ? { events: body } : body);
  if (!envelope.success) {
    throw new AppError("bad_request", envelope.error.issues[0]?.message ?? "Invalid batch.");
  }
  if (!Array.isArray(body)) {
    const unknown: FieldIssue[] = [];
    for (const key in body as object) if (!BATCH_FIELDS.has(key)) unknown.push({ path: key, message: NOT_A_FIELD });
    if (unknown.length > 0) throw invalidIssues(unknown, "request body");
  }
  return envelope.data.events;
}

type EventFields = z.output<typeof eventSchema>;
/** eventSchema's own pattern for occurred_at (so the two can't drift). */
const EVENT_TIME = (eventSchema.shape.occurred_at._zod.def as { pattern: RegExp }).pattern;

/**
 * An event that surely passes eventSchema, checked without zod: a JSON object with only known
 * fields, a key of 1 to 200 characters, a string metric and an ISO time matching the schema's
 * pattern. Anything else (null) goes through eventSchema, which words the messages.
 */
function plainEvent(item: unknown): EventFields | null {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return null;
  for (const key in item) if (!EVENT_FIELDS.has(key)) return null;
  const e = item as Record<string, unknown>;
  const key = e.idempotency_key;
  const at = e.occurred_at;
  if (typeof key !== "string" || key.length < 1 || key.length > 200) return null;
  if (typeof e.metric !== "string" || typeof at !== "string" || !EVENT_TIME.test(at)) return null;
  return { idempotency_key: key, metric: e.metric, quantity: e.quantity, value: e.value, occurred_at: at };
}

/** Parse and check a whole batch, or throw a 400 AppError listing every bad event. Nothing is written on error. */
export function parseUsageBatch(body: unknown, now: Date): UsageEventInput[] {
  const raw = plainEnvelope(body) ?? checkedEnvelope(body);
  const out: UsageEventInput[] = [];
  const problems = new Map<number, string[]>();
  const keys = new Map<string, number>();
  const add = (i: number, message: string) => {
    const list = problems.get(i) ?? [];
    list.push(message);
    problems.set(i, list);
  };
  raw.forEach((item, index) => {
    if (item !== null && typeof item === "object" && !Array.isArray(item))
      for (const key in item) if (!EVENT_FIELDS.has(key)) add(index, `events[${index}].${key}: ${NOT_A_FIELD}`);
    let e = plainEvent(item);
    if (!e) {
      const parsed = eventSchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) add(index, issue.message);
        return;
      }
      e = parsed.data;
    }
    const firstIndex = keys.get(e.idempotency_key);
    if (firstIndex !== undefined)
      add(index, `idempotency_key "${e.idempotency_key.slice(0, 60)}" repeats event #${firstIndex} of this batch.`);
    else keys.set(e.idempotency_key, index);
    const mp = metricProblem(e.metric);
    if (mp) add(index, mp);
    const occurredAt = new EngineDate(e.occurred_at);
    const tp = eventTimeProblem(occurredAt, now);
    if (tp) add(index, tp);
    if (mp) return;
    const metric = e.metric as IngestMetric;
    const { amount, problem } = amountProblem(metric, e.quantity, e.value);
    if (problem) add(index, problem);
    if (!problems.has(index) && amount !== undefined)
      out.push({ key: e.idempotency_key, metric, quantity: amount, occurredAt });
  });
  if (problems.size > 0) {
    const issues: EventIssue[] = [...problems].map(([index, messages]) => {
      const key = (raw[index] as { idempotency_key?: unknown } | null)?.idempotency_key;
      return {
        index,
        ...(typeof key === "string" ? { idempotency_key: key.slice(0, 200) } : {}),
        message: messages.join(" "),
      };
    });
    const first = issues[0]!;
    throw new AppError(
      "bad_request",
      `${issues.length} of ${raw.length} events are invalid, so nothing from this batch was written. Event #${first.index}: ${first.message}`,
      { issues },
    );
  }
  return out;
}
