import type { Core } from "../core/core";
import type { Params } from "../core/params";

export interface ApiRequest {
  core: Core;
  method: string;
  path: string;
  params: Params;
  /** `:name` segments of the route, URL-decoded. */
  ids: Record<string, string>;
}

/** Handlers are synchronous on purpose: a request's read-modify-write is then atomic. */
export type Handler = (req: ApiRequest) => unknown;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/:([a-zA-Z_]+)/g, (_m, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
    return this;
  }

  get(path: string, handler: Handler): this {
    return this.add("GET", path, handler);
  }

  post(path: string, handler: Handler): this {
    return this.add("POST", path, handler);
  }

  del(path: string, handler: Handler): this {
    return this.add("DELETE", path, handler);
  }

  match(method: string, path: string): { handler: Handler; ids: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const ids: Record<string, string> = {};
      route.keys.forEach((k, i) => (ids[k] = decodeURIComponent(m[i + 1] ?? "")));
      return { handler: route.handler, ids };
    }
    return null;
  }
}
