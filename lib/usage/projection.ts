import { z } from "zod";
import { formatDate, formatNumber } from "@/lib/format";
import { percentUsed } from "@/lib/plans/limits";
import type { Period } from "@/lib/plans/period";

/**
 * Pure logic of the usage dashboard: the range switch, period-over-period change, the
 * projection to period end, the points of the period chart, text summaries and CSV. No I/O and
 * no clock: `now` is always a parameter, so every edge case is a unit test.
 */

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------- range

export const RANGE_DAYS = [30, 90, 365] as const;
export type RangeDays = (typeof RANGE_DAYS)[number];
export const DEFAULT_RANGE_DAYS: RangeDays = 30;

const rangeDaysSchema = z.coerce
  .number()
  .int()
  .refine((n): n is RangeDays => (RANGE_DAYS as readonly number[]).includes(n));

/** The dashboard's `?days=`: 30, 90 or 365; anything else (missing, "abc", 7, an array) falls back to 30. */
export function parseRangeDays(raw: unknown): RangeDays {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const parsed = rangeDaysSchema.safeParse(value);
  return parsed.success ? (parsed.data as RangeDays) : DEFAULT_RANGE_DAYS;
}

/** The UTC day `n` days after `day` (YYYY-MM-DD; n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` UTC days up to and including today. */
export function lastDays(days: number, now: Date): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  return { from: addDays(to, -(days - 1)), to };
}

// ---------------------------------------------------------------- period over period

export type Change = { percent: number | null; direction: "up" | "down" | "flat" | "new" | "none"; text: string };

/**
 * Change of `current` against `previous` in whole percent. With nothing last period there is no
 * percentage to give: "new" when there is usage now, "none" when there is none either.
 */
export function describeChange(current: number, previous: number, against = "last period"): Change {
  if (previous <= 0) {
    return current > 0
      ? { percent: null, direction: "new", text: `New since ${against} (none then)` }
      : { percent: null, direction: "none", text: `No usage this period or ${against}` };
  }
  const percent = Math.round(((current - previous) * 100) / previous);
  if (percent === 0) return { percent, direction: "flat", text: `Same as ${against}` };
  const sign = percent > 0 ? "+" : "\u2212";
  return { percent, direction: percent > 0 ? "up" : "down", text: `${sign}${Math.abs(percent)}% vs ${against}` };
}

// ---------------------------------------------------------------- projection

export type Projection =
  /** Less than `minElapsedMs` of the period has passed: a pace would be noise. */
  | { kind: "too_early"; used: number; limit: number | null }
  | { kind: "unlimited"; used: number; projected: number; limit: null }
  | { kind: "within"; used: number; projected: number; projectedPercent: number; limit: number }
  /** The limit is (or will be) passed; `reachAt` is when, `alreadyReached` if that is now or before. */
  | {
      kind: "over";
      used: number;
      projected: number;
      projectedPercent: number;
      limit: number;
      reachAt: Date;
      alreadyReached: boolean;
    };

/**
 * Where a counter will end the period at its pace so far (used ÷ time elapsed, straight line).
 * After the period has ended the projection is what was used.
 */
export function projectToPeriodEnd(input: {
  used: number;
  limit: number | null;
  period: Period;
  now: Date;
  minElapsedMs?: number;
}): Projection {
  const { used, limit, period, now } = input;
  const minElapsed = input.minElapsedMs ?? DAY_MS;
  const total = period.end.getTime() - period.start.getTime();
  const elapsed = Math.min(total, Math.max(0, now.getTime() - period.start.getTime()));
  const reached = limit !== null && used > 0 && used >= limit;
  if (!reached && (elapsed < minElapsed || total <= 0)) return { kind: "too_early", used, limit };
  const projected = elapsed > 0 ? Math.max(used, Math.round((used * total) / elapsed)) : used;
  if (limit === null) return { kind: "unlimited", used, projected, limit: null };
  const projectedPercent = percentUsed(projected, limit) ?? 0;
  if (reached) return { kind: "over", used, projected, projectedPercent, limit, reachAt: now, alreadyReached: true };
  if (projected <= limit) return { kind: "within", used, projected, projectedPercent, limit };
  // At the same pace the limit falls `limit / rate` after the period start.
  const reachAt = new Date(period.start.getTime() + Math.ceil((limit * elapsed) / used));
  return { kind: "over", used, projected, projectedPercent, limit, reachAt, alreadyReached: false };
}

/** The last day a period includes ([start, end) ends just before `end`). */
export function lastDayOf(period: Period): Date {
  return new Date(period.end.getTime() - 1);
}

/** One sentence a person can act on. `unit` is plural ("executions"); `overagePriced` says what happens past the limit. */
export function describeProjection(
  p: Projection,
  opts: { period: Period; locale?: string; unit?: string; overagePriced?: boolean },
): string {
  const locale = opts.locale ?? "en-US";
  const unit = opts.unit ?? "executions";
  const end = formatDate(lastDayOf(opts.period), locale);
  const n = (v: number) => formatNumber(v, locale);
  switch (p.kind) {
    case "too_early":
      return `Too early to project: this period started on ${formatDate(opts.period.start, locale)}. Check back after its first day${
        p.limit === null ? "." : ` (limit: ${n(p.limit)} ${unit}).`
      }`;
    case "unlimited":
      return `At this pace you will use about ${n(p.projected)} ${unit} by ${end}. Your plan has no limit on ${unit}.`;
    case "within":
      return `At this pace you will stay within your limit: about ${n(p.projected)} of ${n(p.limit)} ${unit} (${p.projectedPercent}%) by ${end}.`;
    case "over": {
      const after = opts.overagePriced
        ? `Usage over the limit is billed as overage.`
        : `Over the limit, ${unit} are refused until the period resets; upgrade to raise the limit.`;
      if (p.alreadyReached) {
        return `You have reached your limit (${percentUsed(p.used, p.limit)}% used). At this pace you will reach ${p.projectedPercent}% of your limit by ${end}. ${after}`;
      }
      return `At this pace you will reach ${p.projectedPercent}% of your limit by ${end}, passing the limit around ${formatDate(p.reachAt, locale)}. ${after}`;
    }
  }
}

// ---------------------------------------------------------------- day of the period

/**
 * Which day of its period `now` is, and how many days the period has, counted from the period's
 * own start (a paid period that starts at 15:20 has 31 days, though it touches 32 UTC days).
 */
export function periodDay(period: Period, now: Date): { day: number; days: number } {
  const length = period.end.getTime() - period.start.getTime();
  const days = Math.max(1, Math.ceil(length / DAY_MS));
  const elapsed = Math.min(Math.max(0, now.getTime() - period.start.getTime()), Math.max(0, length - 1));
  return { day: Math.min(days, Math.floor(elapsed / DAY_MS) + 1), days };
}

/** "1,234 of 100,000 executions used (1%), in day 3 of 31 of this period." */
export function describePeriodUse(input: {
  used: number;
  limit: number | null;
  period: Period;
  now: Date;
  locale: string;
}): string {
  const n = (v: number) => formatNumber(v, input.locale);
  const { day, days } = periodDay(input.period, input.now);
  const when = `in day ${day} of ${days} of this period`;
  return input.limit === null
    ? `${n(input.used)} executions so far, ${when}. Your plan has no execution limit.`
    : `${n(input.used)} of ${n(input.limit)} executions used (${percentUsed(input.used, input.limit)}%), ${when}.`;
}

// ---------------------------------------------------------------- chart points

export type PeriodChartPoint = {
  day: string;
  used: number | null;
  cumulative: number | null;
  projected: number | null;
};

/**
 * The period chart: one point per day of the period. Days up to today carry the day's use and
 * the running total; from today to the last day a straight projected line (when there is one).
 */
export function periodChartPoints(
  daily: readonly { day: string; executions: number }[],
  period: Period,
  now: Date,
  projection: Projection | null,
): PeriodChartPoint[] {
  const first = period.start.toISOString().slice(0, 10);
  const last = lastDayOf(period).toISOString().slice(0, 10);
  const today = now.toISOString().slice(0, 10);
  const byDay = new Map(daily.map((d) => [d.day, d.executions]));
  const projected = projection && projection.kind !== "too_early" ? projection.projected : null;
  const todayIndex = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS);
  const lastIndex = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS);
  const out: PeriodChartPoint[] = [];
  let running = 0;
  for (let i = 0, day = first; i <= lastIndex && i <= 400; i++, day = addDays(day, 1)) {
    const past = day <= today;
    const used = past ? (byDay.get(day) ?? 0) : null;
    if (used !== null) running += used;
    let line: number | null = null;
    if (projected !== null && i >= todayIndex && todayIndex <= lastIndex) {
      const span = Math.max(1, lastIndex - todayIndex);
      line = i === todayIndex ? running : Math.round(running + ((projected - running) * (i - todayIndex)) / span);
    }
    out.push({ day, used, cumulative: past ? running : null, projected: line });
  }
  return out;
}

// ---------------------------------------------------------------- summaries

export type SeriesSummary = {
  total: number;
  average: number;
  max: { day: string; value: number } | null;
  first: number;
  last: number;
};

/** Total, daily average (rounded), busiest day, first and last value of one series. */
export function summarize(points: readonly { day: string; value: number }[]): SeriesSummary {
  let total = 0;
  let max: SeriesSummary["max"] = null;
  for (const p of points) {
    total += p.value;
    if (!max || p.value > max.value) max = { day: p.day, value: p.value };
  }
  return {
    total,
    average: points.length ? Math.round(total / points.length) : 0,
    max: max && max.value > 0 ? max : null,
    first: points[0]?.value ?? 0,
    last: points.at(-1)?.value ?? 0,
  };
}

// ---------------------------------------------------------------- CSV

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * Text a spreadsheet would run as a formula (= + - @ tab CR at the start) gets a leading quote.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let s = value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document: a header row, then the rows, CRLF line ends. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  return [header, ...rows].map((r) => `${r.map(csvCell).join(",")}\r\n`).join("");
}

export const USAGE_CSV_HEADER = ["date", "executions", "agents", "gateways", "storage_bytes"] as const;

/** Daily usage as CSV: executions per day; agents, gateways and storage at the day's peak. */
export function usageCsv(
  points: readonly { day: string; executions: number; agents: number; gateways: number; storage_bytes: number }[],
): string {
  return toCsv(
    USAGE_CSV_HEADER,
    points.map((p) => [p.day, p.executions, p.agents, p.gateways, p.storage_bytes]),
  );
}

/** A download name safe in a Content-Disposition header: `acme-usage-2026-10-26-to-2026-11-24.csv`. */
export function usageCsvFilename(slug: string, range: { from: string; to: string }): string {
  const safe =
    slug
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "organization";
  return `${safe}-usage-${range.from}-to-${range.to}.csv`;
}
