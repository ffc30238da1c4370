/** Dates for people, in UTC (billing periods are UTC instants) and the given locale. */
export function formatDate(d: Date | string | null | undefined, locale = "en-US"): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(date);
}

export function formatDateRange(start: Date, end: Date, locale = "en-US"): string {
  // Periods are [start, end): show the last day included.
  const last = new Date(end.getTime() - 1);
  return `${formatDate(start, locale)} – ${formatDate(last, locale)}`;
}

export function formatNumber(n: number, locale = "en-US"): string {
  return new Intl.NumberFormat(locale).format(n);
}
