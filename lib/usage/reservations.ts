import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Queryable } from "@/db/types";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/input";
import { evaluateLimit, limitForMetric } from "@/lib/plans";
import { alertCandidates, recordUsageAlerts, rememberAlerts, unknownAlerts } from "./alerts";
import { loadPlanContext, type PlanContext } from "./plan-context";
import { usagePeriodFor } from "./periods";
import { call, type ReservationStatus } from "./reservation-calls";

/**
 * Reservations: an agent run holds the executions it may use before it starts, so two runs
 * that each ask for 500 with 600 left cannot both get yes.
 *
 * - `reserveUsage`: one call of the SQL function `reserve_usage` (drizzle/0010): the
 *   organization's lock for the metric is held only inside that one round trip. Granted
 *   reservations plus recorded usage never exceed a hard limit; an overage-priced limit grants
 *   and reports the overage. A replay of the same idempotency key answers the stored decision;
 *   the same key with another metric or amount is a 409 `idempotency_conflict`.
 * - `commitReservation`: records `quantity` (≤ the amount held) as one usage event with the key
 *   `reservation:<id>` in the same statement that closes the reservation (the SQL function
 *   `commit_reservation`, drizzle/0015): exactly once.
 * - `releaseReservation`: gives the amount back. Expired reservations stop counting at
 *   `expires_at` by themselves (every sum filters on it); a job marks them expired.
 *
 * On the app's pool both hot calls go through procedures (drizzle/0017) that release the
 * organization's lock and counter rows at COMMIT, before the WAL flush, and answer only after
 * the flush: the lock no longer covers an fdatasync (reservation-calls.ts).
 */

export const RESERVATION_METRICS = ["executions"] as const;
export const DEFAULT_TTL_SECONDS = 900;
export const MAX_TTL_SECONDS = 86_400;
const MAX_AMOUNT = 1_000_000_000;

export const reserveSchema = z.strictObject({
  metric: z.enum(RESERVATION_METRICS, {
    error: "metric must be executions: a reservation holds the executions of an agent run.",
  }),
  amount: z
    .number({ error: "amount must be a whole number ≥ 1: how many executions the run may use." })
    .int("amount must be a whole number.")
    .min(1, "amount must be at least 1.")
    .max(MAX_AMOUNT, `amount must be at most ${MAX_AMOUNT.toLocaleString("en-US")}.`),
  idempotency_key: z
    .string({ error: "idempotency_key is required: a string unique to this run, e.g. a UUID." })
    .min(1, "idempotency_key must not be empty.")
    .max(200, "idempotency_key must be at most 200 characters."),
  ttl_seconds: z
    .number({ error: "ttl_seconds must be a whole number of seconds." })
    .int("ttl_seconds must be a whole number.")
    .min(1, "ttl_seconds must be at least 1.")
    .max(MAX_TTL_SECONDS, `ttl_seconds must be at most ${MAX_TTL_SECONDS} (one day).`)
    .default(DEFAULT_TTL_SECONDS),
});
export type ReserveInput = z.input<typeof reserveSchema>;

export const commitSchema = z.strictObject({
  quantity: z
    .number({ error: "quantity must be a whole number ≥ 0: the executions the run used." })
    .int("quantity must be a whole number.")
    .min(0, "quantity must not be negative.")
    .max(MAX_AMOUNT, `quantity must be at most ${MAX_AMOUNT.toLocaleString("en-US")}.`),
});

export type { ReservationStatus };

/** What the API answers for a reservation (POST /reservations, commit, release, GET). */
export type ReservationView = {
  id: string;
  metric: (typeof RESERVATION_METRICS)[number];
  amount: number;
  status: ReservationStatus;
  allowed: boolean;
  /** What was left of the limit once this reservation was decided; null: unlimited. */
  remaining: number | null;
  /** Units of this reservation beyond the limit, billed as overage. */
  overage: number;
  expires_at: string;
  committed_quantity: number | null;
  reason: string;
};

type Row = {
  id: string;
  metric: string;
  amount: number | string;
  status: ReservationStatus;
  allowed: boolean;
  overage: number | string;
  limit_value: number | string | null;
  used_before: number | string;
  expires_at: string | Date;
  committed_quantity: number | string | null;
  replay?: boolean;
};

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function view(row: Row, now: Date, planName?: string): ReservationView {
  const amount = Number(row.amount);
  const limit = num(row.limit_value);
  const usedBefore = Number(row.used_before);
  const overage = Number(row.overage);
  const expiresAt = new Date(row.expires_at);
  const status: ReservationStatus = row.status === "active" && expiresAt <= now ? "expired" : row.status;
  const decision = evaluateLimit({
    metric: "executions",
    limit,
    used: usedBefore,
    amount,
    overagePriced: row.allowed,
    planName,
  });
  const held = row.allowed ? amount : 0;
  let reason = decision.reason;
  if (status === "committed") reason = `Committed: ${num(row.committed_quantity)} of ${amount} recorded as usage.`;
  else if (status === "released") reason = "Released: nothing is held.";
  else if (status === "expired") reason = `Expired at ${expiresAt.toISOString()}: nothing is held.`;
  return {
    id: row.id,
    metric: "executions",
    amount,
    status,
    allowed: row.allowed,
    remaining: limit === null ? null : Math.max(0, limit - usedBefore - held),
    overage,
    expires_at: expiresAt.toISOString(),
    committed_quantity: num(row.committed_quantity),
    reason,
  };
}

function conflict(key: string, stored: { metric: string; amount: number }): AppError {
  return new AppError(
    "idempotency_conflict",
    `Keys for idempotent requests can only be used with the same content: idempotency_key "${key.slice(0, 80)}" was already used for a reservation of ${stored.amount} ${stored.metric}. Send a new key for a new reservation.`,
    { idempotency_keys: [key] },
  );
}

const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "23505" || e?.cause?.code === "23505";
};

/** Hold `amount` for a run (or refuse it), in one round trip after the plan context is read. */
export async function reserveUsage(
  db: Queryable,
  organizationId: string,
  raw: unknown,
  opts: { now?: Date } = {},
): Promise<ReservationView> {
  const parsed = reserveSchema.safeParse(raw);
  if (!parsed.success) throw parsed.error;
  const input = parsed.data;
  const now = opts.now ?? new Date();
  const ctx = await loadPlanContext(db, organizationId, now);
  const limit = limitForMetric(ctx.limits, input.metric);
  const planName = ctx.degradedToFree ? "Free" : ctx.plan.name;
  const reserve = () =>
    call(db, "reserve", {
      org: organizationId,
      a: input.metric,
      b: input.amount,
      c: input.idempotency_key,
      d: input.ttl_seconds,
      e: limit,
      f: ctx.overage[input.metric] !== null,
      g: ctx.usagePeriod.start.toISOString(),
    });
  let rows: Row[];
  try {
    rows = await reserve();
  } catch (err) {
    // The same key sent at the same moment for another metric: the loser reads the winner's row.
    if (!isUniqueViolation(err)) throw err;
    rows = await reserve();
  }
  const row = rows[0];
  if (!row) throw new Error("reserve_usage answered no row");
  if (row.replay && (row.metric !== input.metric || Number(row.amount) !== input.amount))
    throw conflict(input.idempotency_key, { metric: row.metric, amount: Number(row.amount) });
  return view(row, now, planName);
}

const COLUMNS = sql`id, metric::text as metric, amount, status::text as status, allowed, overage, limit_value,
  used_before, expires_at, committed_quantity`;

async function readReservation(db: Queryable, organizationId: string, id: string): Promise<Row> {
  if (!isUuid(id)) throw new AppError("not_found", "No reservation with that id in this organization.");
  const [row] = rowsOf<Row>(
    await db.execute(sql`select ${COLUMNS} from usage_reservations
      where id = ${id}::uuid and organization_id = ${organizationId}::uuid`),
  );
  if (!row) throw new AppError("not_found", "No reservation with that id in this organization.");
  return row;
}

export async function getReservation(
  db: Queryable,
  organizationId: string,
  id: string,
  now = new Date(),
): Promise<ReservationView> {
  return view(await readReservation(db, organizationId, id), now);
}

type CommitRow = Row & { committed: boolean; counter_value: number | string | null };

/**
 * Record `quantity` (at most the amount held) as usage, exactly once, and release the rest.
 * Committing again with the same quantity answers the same; another quantity is a 409.
 *
 * One read of the plan context (the usage period now, the limit for alerts), then one call of
 * the SQL function `commit_reservation` (drizzle/0015): it closes the reservation and folds the
 * usage event `reservation:<id>` into the counters in one statement, so no transaction is held
 * open across round trips and a commit locks the organization's counter row only while the
 * database runs it. Usage alerts are recorded right after (the alerts job raises any missed).
 */
export async function commitReservation(
  db: Queryable,
  organizationId: string,
  id: string,
  raw: unknown,
  opts: { now?: Date } = {},
): Promise<ReservationView> {
  const parsed = commitSchema.safeParse(raw);
  if (!parsed.success) throw parsed.error;
  const { quantity } = parsed.data;
  if (!isUuid(id)) throw new AppError("not_found", "No reservation with that id in this organization.");
  const now = opts.now ?? new Date();
  const ctx = await loadPlanContext(db, organizationId, now);
  const period = usagePeriodFor(ctx.periodSource, now);
  let row: CommitRow | undefined;
  try {
    [row] = await call(db, "commit", {
      org: organizationId,
      a: id,
      b: quantity,
      c: now.toISOString(),
      d: period.start.toISOString(),
      e: period.end.toISOString(),
    });
  } catch (err) {
    if (sqlStateOf(err) !== "AB409") throw err;
    throw new AppError(
      "idempotency_conflict",
      `The usage event key reservation:${id} was already used for another usage event, so this commit cannot be recorded. Nothing was written.`,
      { idempotency_keys: [`reservation:${id}`] },
    );
  }
  if (!row) throw new AppError("not_found", "No reservation with that id in this organization.");
  const v = view(row, now);
  if (row.committed) {
    if (row.counter_value !== null) await raiseCommitAlerts(db, organizationId, ctx, period.start, row);
    return v;
  }
  // Not committed by this call: say why, from the row as it is now (a concurrent commit has finished).
  if (v.status === "committed") {
    if (v.committed_quantity === quantity) return v;
    throw new AppError(
      "idempotency_conflict",
      `Reservation ${id} was already committed with quantity ${v.committed_quantity}; a commit is recorded once.`,
      { idempotency_keys: [`reservation:${id}`] },
    );
  }
  if (v.status === "active" && quantity > v.amount)
    throw new AppError(
      "bad_request",
      `quantity ${quantity} is more than the ${v.amount} reserved: commit at most the amount held, and report any extra with POST /api/v1/usage/events.`,
    );
  throw new AppError("conflict", `Reservation ${id} is ${v.status}, so it cannot be committed. ${v.reason}`);
}

/** Crossing 80% / 100% with this commit: recorded as ingest records them (once per threshold and period). */
async function raiseCommitAlerts(
  db: Queryable,
  organizationId: string,
  ctx: PlanContext,
  periodStart: Date,
  row: CommitRow,
): Promise<void> {
  const metric = "executions";
  const candidates = alertCandidates([
    { metric, periodStart, used: Number(row.counter_value), limit: limitForMetric(ctx.limits, metric) },
  ]);
  const fresh = unknownAlerts(organizationId, candidates);
  if (fresh.length === 0) return;
  await recordUsageAlerts(db, organizationId, fresh);
  rememberAlerts(organizationId, fresh);
}

const sqlStateOf = (err: unknown): string | undefined => {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.cause?.code ?? e?.code;
};

/** Give back what a reservation holds. Releasing again, or a denied or expired one, changes nothing. */
export async function releaseReservation(
  db: Queryable,
  organizationId: string,
  id: string,
  opts: { now?: Date } = {},
): Promise<ReservationView> {
  const now = opts.now ?? new Date();
  await readReservation(db, organizationId, id);
  const [row] = rowsOf<Row>(
    await db.execute(sql`update usage_reservations
      set status = 'released', finished_at = ${now.toISOString()}::timestamptz
      where id = ${id}::uuid and organization_id = ${organizationId}::uuid and status = 'active'
        and expires_at > ${now.toISOString()}::timestamptz
      returning ${COLUMNS}`),
  );
  if (row) return view(row, now);
  const latest = view(await readReservation(db, organizationId, id), now);
  if (latest.status === "committed")
    throw new AppError("conflict", `Reservation ${id} is already committed: its usage is recorded.`);
  return latest;
}

/** Job: mark reservations past their expiry (they already stopped counting at expires_at). */
export async function expireReservations(db: Queryable, now = new Date()): Promise<{ expired: number }> {
  const result = await db.execute(sql`with e as (
      update usage_reservations set status = 'expired', finished_at = expires_at
      where status = 'active' and expires_at <= ${now.toISOString()}::timestamptz
      returning 1)
    select count(*)::int as n from e`);
  return { expired: Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0) };
}

/** Executions held now by active, unexpired reservations (limit checks and the dashboard). */
export function heldSql(organizationId: unknown, now: unknown) {
  return sql`(select coalesce(sum(r.amount), 0)::bigint from usage_reservations r
    where r.organization_id = ${organizationId}::uuid and r.metric = 'executions' and r.status = 'active'
      and r.expires_at > ${now}::timestamptz)`;
}
