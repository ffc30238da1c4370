import type { Core } from "./core";
import { StripeApiError } from "./errors";
import { inRange, type ListParams } from "./params";
import { render } from "./render";
import type { WList } from "./wire";

interface Listable {
  id: string;
  created?: number;
}

function missingCursor(param: string, id: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such object: '${id}'`,
    param,
  });
}

/**
 * Stripe list semantics: newest first, `limit`, and cursors `starting_after` / `ending_before`.
 * `ordered` = true keeps the caller's order (already newest first).
 */
export function paginate<T extends Listable>(
  core: Core,
  items: T[],
  lp: ListParams,
  url: string,
  ordered = false,
): WList<T> {
  let rows = items.filter((i) => inRange(i.created ?? 0, lp.created));
  if (!ordered) {
    rows = rows.sort(
      (a, b) => (b.created ?? 0) - (a.created ?? 0) || core.store.orderOf(b.id) - core.store.orderOf(a.id),
    );
  }
  let page: T[];
  let hasMore: boolean;
  if (lp.startingAfter) {
    const idx = rows.findIndex((r) => r.id === lp.startingAfter);
    if (idx === -1) throw missingCursor("starting_after", lp.startingAfter);
    const after = rows.slice(idx + 1);
    page = after.slice(0, lp.limit);
    hasMore = after.length > lp.limit;
  } else if (lp.endingBefore) {
    const idx = rows.findIndex((r) => r.id === lp.endingBefore);
    if (idx === -1) throw missingCursor("ending_before", lp.endingBefore);
    const before = rows.slice(0, idx);
    page = before.slice(Math.max(0, before.length - lp.limit));
    hasMore = before.length > lp.limit;
  } else {
    page = rows.slice(0, lp.limit);
    hasMore = rows.length > lp.limit;
  }
  return { object: "list", data: page.map((r) => render(core.store, r)), has_more: hasMore, url };
}
