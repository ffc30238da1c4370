import { invalidParam, missingParam } from "./errors";
import type { FormObject, FormValue } from "../http/form";

/**
 * Typed access to a (nested) form body. Error messages and `param` names follow Stripe's,
 * e.g. `items[0][price]`.
 */
export class Params {
  constructor(
    readonly raw: FormObject,
    private readonly prefix = "",
  ) {}

  name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  /** Present with the empty string: Stripe's way of unsetting a field. */
  isEmpty(key: string): boolean {
    return this.raw[key] === "";
  }

  str(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string")
      throw invalidParam(this.name(key), `Invalid string: ${this.name(key)} must be a string.`);
    return v;
  }

  /** A string; `""` (unset) and absence both read as undefined. */
  text(key: string): string | undefined {
    const v = this.str(key);
    return v === "" ? undefined : v;
  }

  reqStr(key: string): string {
    const v = this.str(key);
    if (v === undefined || v === "") throw missingParam(this.name(key));
    return v;
  }

  int(key: string): number | undefined {
    const v = this.str(key);
    if (v === undefined || v === "") return undefined;
    if (!/^-?\d+$/.test(v)) throw invalidParam(this.name(key), `Invalid integer: ${v}`, "parameter_invalid_integer");
    return Number(v);
  }

  reqInt(key: string): number {
    const v = this.int(key);
    if (v === undefined) throw missingParam(this.name(key));
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.str(key);
    if (v === undefined || v === "") return undefined;
    if (v === "true") return true;
    if (v === "false") return false;
    throw invalidParam(this.name(key), `Invalid boolean: ${v}`);
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v)) {
      throw invalidParam(this.name(key), `Invalid ${this.name(key)}: must be one of ${values.join(", ")}`);
    }
    return v as T;
  }

  /** A unix timestamp or the literal `now`. */
  timeOrNow(key: string): number | "now" | undefined {
    const v = this.text(key);
    if (v === undefined) return undefined;
    if (v === "now") return "now";
    return this.int(key);
  }

  obj(key: string): Params | undefined {
    const v = this.raw[key];
    if (v === undefined || v === "") return undefined;
    if (typeof v === "string") throw invalidParam(this.name(key), `Invalid object: ${this.name(key)} must be a hash.`);
    return new Params(Array.isArray(v) ? arrayToObject(v) : v, this.name(key));
  }

  /** An array of hashes, e.g. `items[0][price]`. */
  list(key: string): Params[] {
    const v = this.raw[key];
    if (v === undefined || v === "") return [];
    const arr: FormValue[] = Array.isArray(v) ? v : typeof v === "object" ? Object.values(v) : [v];
    return arr.map((el, i) => {
      if (typeof el !== "object" || Array.isArray(el)) {
        throw invalidParam(`${this.name(key)}[${i}]`, `Invalid hash: ${this.name(key)}[${i}]`);
      }
      return new Params(el, `${this.name(key)}[${i}]`);
    });
  }

  strList(key: string): string[] {
    const v = this.raw[key];
    if (v === undefined || v === "") return [];
    if (typeof v === "string") return [v];
    const arr = Array.isArray(v) ? v : Object.values(v);
    return arr.filter((x): x is string => typeof x === "string");
  }

  /** Stripe metadata update semantics: `metadata=` clears, `metadata[k]=` removes k, others set. */
  metadata(existing: Record<string, string> = {}, key = "metadata"): Record<string, string> {
    const v = this.raw[key];
    if (v === undefined) return { ...existing };
    if (v === "") return {};
    if (typeof v === "string")
      throw invalidParam(this.name(key), "Invalid metadata: must be a hash of string keys and values.");
    const next = { ...existing };
    const entries = Array.isArray(v) ? Object.entries(arrayToObject(v)) : Object.entries(v);
    for (const [k, val] of entries) {
      if (typeof val !== "string") throw invalidParam(`${this.name(key)}[${k}]`, "Metadata values must be strings.");
      if (val === "") delete next[k];
      else next[k] = val;
    }
    return next;
  }

  /** `expand[]` values (top level only). */
  expand(): string[] {
    return this.strList("expand");
  }
}

function arrayToObject(arr: FormValue[]): FormObject {
  const out: FormObject = {};
  arr.forEach((v, i) => (out[String(i)] = v));
  return out;
}

/** Pagination and `created` range filters shared by list endpoints. */
export interface ListParams {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
  created?: RangeFilter;
}

export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

export function readRange(p: Params, key: string): RangeFilter | undefined {
  if (!p.has(key)) return undefined;
  const nested = p.raw[key];
  if (typeof nested === "string") return { eq: p.int(key) };
  const r = p.obj(key);
  if (!r) return undefined;
  return { gt: r.int("gt"), gte: r.int("gte"), lt: r.int("lt"), lte: r.int("lte") };
}

export function inRange(value: number, r: RangeFilter | undefined): boolean {
  if (!r) return true;
  if (r.eq !== undefined && value !== r.eq) return false;
  if (r.gt !== undefined && !(value > r.gt)) return false;
  if (r.gte !== undefined && !(value >= r.gte)) return false;
  if (r.lt !== undefined && !(value < r.lt)) return false;
  if (r.lte !== undefined && !(value <= r.lte)) return false;
  return true;
}

export function readListParams(p: Params): ListParams {
  const limit = p.int("limit") ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidParam("limit", `Invalid limit: must be between 1 and 100`);
  }
  return {
    limit,
    startingAfter: p.text("starting_after"),
    endingBefore: p.text("ending_before"),
    created: readRange(p, "created"),
  };
}
