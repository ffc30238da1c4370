/**
 * Formatters for people. Building an Intl formatter costs far more than using one (it loads the
 * locale's data): a dashboard formats hundreds of dates and numbers per render, so each
 * (kind, locale, options) formatter is built once and reused.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
/** Locales come from Accept-Language: bound the cache so odd headers can't grow it without end. */
const MAX_FORMATTERS = 500;

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, build: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    f = build();
    formatters.set(key, f);
  }
  return f;
}

/** A shared Intl.DateTimeFormat for these locale and options. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(`d|${locale}|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

/** A shared Intl.NumberFormat for these locale and options. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached(`n|${locale}|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

const DAY: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" };

/** Dates for people, in UTC (billing periods are UTC instants) and the given locale. */
export function formatDate(d: Date | string | null | undefined, locale = "en-US"): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return dateTimeFormat(locale, DAY).format(date);
}

export function formatDateRange(start: Date, end: Date, locale = "en-US"): string {
  // Periods are [start, end): show the last day included.
  const last = new Date(end.getTime() - 1);
  return `${formatDate(start, locale)} – ${formatDate(last, locale)}`;
}

export function formatNumber(n: number, locale = "en-US"): string {
  return numberFormat(locale).format(n);
}
