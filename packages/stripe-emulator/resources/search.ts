import type { Core } from "../core/core";
import { invalidParam } from "../core/errors";
import type { Params } from "../core/params";
import { render } from "../core/render";

/**
 * A small subset of Stripe's search query language: clauses joined by `AND`, each
 * `field:'value'` (exact), `field~'value'` (substring) or `metadata['key']:'value'`.
 */
interface Clause {
  field: string;
  metadataKey?: string;
  op: ":" | "~";
  value: string;
}

function parseQuery(query: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of query.split(/\s+AND\s+/i)) {
    const m = /^\s*(metadata\[['"]([^'"]+)['"]\]|[a-z_.]+)\s*([:~])\s*['"]?([^'"]*)['"]?\s*$/.exec(part);
    if (!m) throw invalidParam("query", `Invalid search query: ${part}`);
    clauses.push({
      field: m[2] ? "metadata" : (m[1] ?? ""),
      metadataKey: m[2],
      op: m[3] as ":" | "~",
      value: m[4] ?? "",
    });
  }
  return clauses;
}

function matches(obj: Record<string, unknown>, c: Clause): boolean {
  let v: unknown = obj[c.field];
  if (c.metadataKey) v = (v as Record<string, string> | null)?.[c.metadataKey];
  if (v === null || v === undefined) return false;
  const s = String(v);
  return c.op === ":" ? s === c.value : s.toLowerCase().includes(c.value.toLowerCase());
}

export function searchResult<T extends { id: string; created?: number }>(
  core: Core,
  rows: T[],
  p: Params,
  url: string,
) {
  const clauses = parseQuery(p.reqStr("query"));
  const limit = p.int("limit") ?? 10;
  const found = rows
    .filter((r) => clauses.every((c) => matches(r as unknown as Record<string, unknown>, c)))
    .sort((a, b) => (b.created ?? 0) - (a.created ?? 0) || core.store.orderOf(b.id) - core.store.orderOf(a.id));
  const page = Number(p.text("page") ?? "0") || 0;
  const data = found.slice(page, page + limit);
  const hasMore = found.length > page + limit;
  return {
    object: "search_result",
    data: data.map((r) => render(core.store, r)),
    has_more: hasMore,
    next_page: hasMore ? String(page + limit) : null,
    url,
  };
}
