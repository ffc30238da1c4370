/**
 * The one string sanitiser at input parsing. Every string that comes in (JSON bodies, query
 * strings, path segments, form fields, and the keys of objects) passes here before a schema sees
 * it: normalised to Unicode NFC (so "é" typed two ways is one value), and refused when it carries
 * what no field of ours accepts and PostgreSQL would choke on — NUL and the other control
 * characters (tab, line feed and carriage return are text), lone UTF-16 surrogates — or is longer
 * than any field we have. Trimming and each field's own length cap are the field schema's job
 * (`text()` below), on values already clean.
 */

/** No field of ours is longer than this; a longer string is refused before any schema runs. */
export const MAX_INPUT_STRING = 10_000;
/** Deeper than any input of ours: refused rather than walked. */
const MAX_DEPTH = 20;

// C0 controls but tab (09), line feed (0A) and carriage return (0D); DEL; C1 controls.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export type InputIssue = { path: string; message: string };

/** Why a string can't be accepted, or null when it can. */
export function stringProblem(value: string): string | null {
  const control = CONTROL.exec(value);
  if (control)
    return `contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}); remove it.`;
  if (!value.isWellFormed()) return "contains a broken character (a lone UTF-16 surrogate); retype it.";
  if (value.length > MAX_INPUT_STRING)
    return `is too long (over ${MAX_INPUT_STRING.toLocaleString("en-US")} characters).`;
  return null;
}

/** A clean string (NFC), or the problem with it. */
export function cleanString(value: string): { ok: true; value: string } | { ok: false; message: string } {
  const problem = stringProblem(value);
  return problem ? { ok: false, message: problem } : { ok: true, value: value.normalize("NFC") };
}

/** Printable ASCII only: already NFC, well formed and free of control characters (the common case, checked in one pass). */
const PLAIN = /^[\x20-\x7e]*$/;

/** A path built only when an issue needs it (most inputs are clean: no array per field). */
type PathNode = { parent: PathNode; segment: string | number } | null;
const pathOf = (node: PathNode): string => {
  const segments: string[] = [];
  for (let n = node; n; n = n.parent) segments.push(String(n.segment));
  return segments.reverse().join(".");
};

/**
 * Walk an input (parsed JSON, a query, params, a form's fields): every string NFC-normalised,
 * every bad one reported with its path. Returns the cleaned value and the issues (none: clean).
 * Plain objects and arrays that need no change are returned as they came (no copy: the hot API
 * paths parse small bodies many times a second); one that does is copied, as are objects of any
 * other prototype (a copy is a plain object), and a `__proto__` key never survives in the value.
 */
export function sanitizeInput(value: unknown): { value: unknown; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const cleaned = walk(value, null, "", 0, issues);
  return { value: cleaned, issues };
}

/** One value at `parent`.`segment`: itself when clean and unchanged, else its cleaned copy. */
function walk(v: unknown, parent: PathNode, segment: string | number, depth: number, issues: InputIssue[]): unknown {
  if (typeof v === "string") {
    if (v.length <= MAX_INPUT_STRING && PLAIN.test(v)) return v;
    const clean = cleanString(v);
    if (!clean.ok) {
      issues.push({
        path: pathOf(parent === null && depth === 0 ? null : { parent, segment }),
        message: clean.message,
      });
      return v;
    }
    return clean.value;
  }
  if (v === null || typeof v !== "object") return v;
  const here: PathNode = depth === 0 ? null : { parent, segment };
  if (depth > MAX_DEPTH) {
    issues.push({ path: pathOf(here), message: "is nested too deeply." });
    return v;
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const clean = walk(item, here, i, depth + 1, issues);
      if (out) out[i] = clean;
      else if (clean !== item) {
        out = v.slice(0, i);
        out[i] = clean;
      }
    }
    return out ?? v;
  }
  // A plain object is kept when nothing in it changes; any other object is copied into a plain one.
  let out: Record<string, unknown> | undefined = Object.getPrototypeOf(v) === Object.prototype ? undefined : {};
  const keys = Object.keys(v);
  const record = v as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const key = k.length <= MAX_INPUT_STRING && PLAIN.test(k) ? k : cleanString(k);
    if (typeof key !== "string" && !key.ok) {
      issues.push({
        path: pathOf({ parent: here, segment: JSON.stringify(k).slice(0, 40) }),
        message: `(a field name) ${key.message}`,
      });
      out ??= copyOf(record, keys, i);
      continue;
    }
    const name = typeof key === "string" ? key : key.value;
    if (name === "__proto__") {
      // JSON.parse makes it an own key; assigned in a copy it would set the copy's prototype
      // instead (its fields then read as inherited ones, past every strict schema).
      issues.push({ path: pathOf({ parent: here, segment: k }), message: "is not a field here (a reserved name)." });
      out ??= copyOf(record, keys, i);
      continue;
    }
    const item = record[k];
    const clean = walk(item, here, name, depth + 1, issues);
    if (out) out[name] = clean;
    else if (clean !== item || name !== k) {
      out = copyOf(record, keys, i);
      out[name] = clean;
    }
  }
  return out ?? v;
}

/** A plain copy of the first `n` fields of a clean object (their values unchanged). */
function copyOf(record: Record<string, unknown>, keys: string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[keys[i]!] = record[keys[i]!];
  return out;
}
