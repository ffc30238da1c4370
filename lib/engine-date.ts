/**
 * The engine's own `Date`, as this module found it. Next's server replaces the global `Date`
 * (in production too, when it prepares: next/dist/server/node-environment-extensions/date.js)
 * with a wrapper that reports clock reads to its prerender tracking; outside a Next render it
 * does nothing but cost (`Reflect.construct` with `arguments`, and two async-storage reads per
 * `new Date()`): the bench measured it at 6 % of the app's CPU on batch ingest, which makes a
 * Date per event. The custom server's bundle (server.ts) loads this module before Next
 * prepares, so the platform API's hot path gets the engine's constructor; a copy of this
 * module inside Next's own bundle loads after, and gets Next's (its tracking keeps working
 * there). Either way the dates are the same: the wrapper changes no value.
 *
 * Only for making dates from a value (a timestamp, a string). The current time is read from
 * the global `Date.now()` (currentDate below), so a test's fake clock still applies.
 */
export const EngineDate: DateConstructor = globalThis.Date;

/** `new Date()`, made with the engine's constructor from the global clock. */
export function currentDate(): Date {
  return new EngineDate(Date.now());
}
