/**
 * Numbers typed by people (form fields, query strings) are text: the form layer turns plain
 * decimal text into a number, and nothing else. "1e2", "0x10", "Infinity", " 5 " with letters,
 * "" stay what they are (the field's schema then refuses them with its own message). JSON APIs
 * never come here: their numbers are JSON numbers (lib/input/form.ts is the only caller besides
 * query schemas).
 */
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

export function numberFromText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (t === "") return undefined;
  if (!DECIMAL.test(t)) return value;
  const n = Number(t);
  return Number.isFinite(n) ? n : value;
}

/** A checkbox or a yes/no field: "on", "true", "1" → true; "off", "false", "0", "" → false; anything else as is. */
export function booleanFromText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim().toLowerCase();
  if (t === "on" || t === "true" || t === "1") return true;
  if (t === "off" || t === "false" || t === "0" || t === "") return false;
  return value;
}
