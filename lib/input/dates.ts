import { z } from "zod";

/**
 * The one day and date-range schema for input (queries of the usage API, the CSV export, the
 * audit log, the usage job). A day is `YYYY-MM-DD`, a real calendar day (no 2026-02-30), between
 * 2000-01-01 and 2100-12-31: outside that no data of ours exists, and year 0000 or 9999 would
 * otherwise overflow date arithmetic and PostgreSQL's timestamps further down.
 */

export const MIN_DAY = "2000-01-01";
export const MAX_DAY = "2100-12-31";
const DAY_MS = 86_400_000;

function isCalendarDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** A UTC day, named `what` in its messages ("from", "to", "From"…). */
export function daySchema(what: string) {
  return z
    .string({ error: `${what} must be a day like 2026-11-01.` })
    .trim()
    .refine(isCalendarDay, `${what} must be a day like 2026-11-01.`)
    .refine((s) => s >= MIN_DAY && s <= MAX_DAY, `${what} must be between ${MIN_DAY} and ${MAX_DAY}.`);
}

/** A day or an ISO timestamp with an offset, within the same years (the usage job's window). */
export function instantSchema(what: string) {
  return z
    .string({ error: `${what} must be a date (2026-11-01) or an ISO timestamp.` })
    .trim()
    .refine(
      (s) => isCalendarDay(s) || z.iso.datetime({ offset: true }).safeParse(s).success,
      `${what} must be a date (2026-11-01) or an ISO timestamp.`,
    )
    .refine((s) => {
      const t = Date.parse(s);
      return Number.isFinite(t) && s.slice(0, 10) >= MIN_DAY && s.slice(0, 10) <= MAX_DAY;
    }, `${what} must be between ${MIN_DAY} and ${MAX_DAY}.`);
}

/** The days between two days, inclusive of both (1 for from = to). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/**
 * `?from=&to=` as an inclusive range of days: each optional (a blank one counts as not given),
 * from not after to, at most `maxDays` days when both are given.
 */
export function dateRangeSchema(opts: { maxDays: number }) {
  const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
  return z
    .object({
      from: z.preprocess(blank, daySchema("from").optional()),
      to: z.preprocess(blank, daySchema("to").optional()),
    })
    .superRefine((q, ctx) => {
      if (!q.from || !q.to) return;
      if (q.from > q.to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must not be after to." });
      else if (daysInRange(q.from, q.to) > opts.maxDays)
        ctx.addIssue({ code: "custom", path: ["to"], message: `A range covers at most ${opts.maxDays} days.` });
    });
}
