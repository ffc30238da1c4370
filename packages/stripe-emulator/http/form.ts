/**
 * Stripe's form encoding: `a[b][0][c]=v`, `expand[]=x`, `expand[0]=x`, `metadata[k]=` (empty
 * string means "unset"). Values stay strings; the param readers in core/params.ts convert them.
 */

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

type Node = { [key: string]: Node | string };

function splitKey(raw: string): string[] {
  const first = raw.indexOf("[");
  if (first <= 0) return [raw];
  const parts = [raw.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw.slice(first))) !== null) parts.push(m[1] ?? "");
  return parts;
}

function setPath(root: Node, parts: string[], value: string): void {
  let node: Node = root;
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i] ?? "";
    const last = i === parts.length - 1;
    if (part === "") {
      // `a[]=x`: append. Count existing numeric keys to find the next index.
      part = String(Object.keys(node).filter((k) => /^\d+$/.test(k)).length);
    }
    if (last) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (next === undefined || typeof next === "string") {
      const child: Node = {};
      node[part] = child;
      node = child;
    } else {
      node = next;
    }
  }
}

/** Objects whose keys are exactly 0..n-1 become arrays, recursively. */
function finalize(node: Node | string): FormValue {
  if (typeof node === "string") return node;
  const keys = Object.keys(node);
  const isArray = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
  if (isArray) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => finalize(node[String(k)] as Node | string));
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = finalize(node[k] as Node | string);
  return out;
}

export function parseForm(encoded: string): FormObject {
  const root: Node = {};
  if (!encoded) return {};
  for (const pair of encoded.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? "" : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, " "));
    const value = decodeURIComponent(rawValue.replace(/\+/g, " "));
    setPath(root, splitKey(key), value);
  }
  const result = finalize(root);
  return Array.isArray(result) || typeof result === "string" ? {} : result;
}

/** Deterministic JSON of a parsed form, used to compare idempotent requests. */
export function canonicalForm(value: FormValue | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalForm).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalForm(value[k])}`).join(",")}}`;
}
