import { paginate } from "../core/list";
import { readListParams } from "../core/params";
import type { Router } from "../http/router";
import { noSuch } from "../core/errors";

/** `invoice.paid` matches itself; `invoice.*` matches every invoice event. */
function typeMatcher(patterns: string[]): (type: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map((p) => new RegExp(`^${p.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`));
  return (type) => regexes.some((r) => r.test(type));
}

export function registerEvents(router: Router): void {
  router
    .get("/v1/events", ({ core, params: p }) => {
      const patterns = [...p.strList("types"), ...(p.text("type") ? [p.text("type") as string] : [])];
      const matches = typeMatcher(patterns);
      const rows = core.events.newestFirst().filter((e) => matches(e.type));
      return paginate(core, rows, readListParams(p), "/v1/events", true);
    })
    .get("/v1/events/:id", ({ core, ids }) => {
      const event = core.events.get(ids.id ?? "");
      if (!event) throw noSuch("event", ids.id ?? "");
      return event;
    });
}
