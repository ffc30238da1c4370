import type { Core } from "./core";
import { invalidRequest } from "./errors";
import { findById } from "./lookup";
import { render } from "./render";
import type { JsonObject } from "./wire";

const MAX_DEPTH = 4;

/**
 * "Includable" fields exist only when expanded (e.g. `invoice.payments`,
 * `invoice.confirmation_secret`). Resource modules register how to compute them.
 */
type Includer = (core: Core, obj: JsonObject) => unknown;
const includables = new Map<string, Includer>();

export function registerIncludable(objectType: string, field: string, fn: Includer): void {
  includables.set(`${objectType}.${field}`, fn);
}

function cannotExpand(path: string): never {
  throw invalidRequest(`This property cannot be expanded (${path}).`, "expand");
}

function expandInto(core: Core, holder: unknown, segments: string[], fullPath: string): void {
  if (holder === null || holder === undefined || typeof holder !== "object") return;
  if (Array.isArray(holder)) {
    for (const el of holder) expandInto(core, el, segments, fullPath);
    return;
  }
  const obj = holder as JsonObject;
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (obj[head] === undefined) {
    const include = includables.get(`${String(obj.object)}.${head}`);
    if (!include) cannotExpand(fullPath);
    obj[head] = include(core, obj);
  }
  let value = obj[head];
  if (typeof value === "string") {
    const found = findById(core.store, value);
    if (found === undefined) {
      // Ids we do not know (e.g. another account's) stay as strings; plain strings cannot expand.
      if (!/^[a-z]+_[A-Za-z0-9]+$/.test(value)) cannotExpand(fullPath);
      return;
    }
    value = render(core.store, found);
    obj[head] = value;
  }
  if (rest.length > 0) expandInto(core, value, rest, fullPath);
}

/** Applies `expand[]` paths such as `latest_invoice.payments` or `data.customer` (lists). */
export function applyExpand(core: Core, result: unknown, paths: string[]): unknown {
  for (const path of paths) {
    const segments = path.split(".");
    // `data` only steps into a list; it is not an expansion level of its own.
    if (segments.filter((s) => s !== "data").length > MAX_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        "expand",
      );
    }
    expandInto(core, result, segments, path);
  }
  return result;
}
