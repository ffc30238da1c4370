import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { stampClientAddress, TrustedProxies } from "@/lib/http/client-address";

/**
 * A real HTTP server in front of route handlers, as the app's server front does it: stamp the
 * client's address on Node's request (trusting X-Forwarded-For only from `trustedProxies`),
 * then hand a web Request to the handler and write its Response back.
 */

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
export type Route = {
  prefix: string;
  methods: Partial<Record<string, Handler>>;
  params?: (path: string) => Record<string, string | string[]>;
};

export async function startHttpFront(
  routes: Route[],
  opts: { trustedProxies?: string[] } = {},
): Promise<{ url: string; setTrusted(list: string[]): void; close(): Promise<void> }> {
  let trusted = new TrustedProxies(opts.trustedProxies ?? []);
  const server = http.createServer(async (req, res) => {
    stampClientAddress(req, trusted);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const route = routes.find((r) => url.pathname.startsWith(r.prefix));
      const handler = route?.methods[req.method ?? "GET"];
      if (!route || !handler) {
        res.writeHead(404).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      }
      headers.set("x-forwarded-proto", headers.get("x-forwarded-proto") ?? "http");
      const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
      const response = await handler(new NextRequest(url, { method: req.method, headers, body }), {
        params: Promise.resolve(route.params?.(url.pathname) ?? {}),
      });
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((v, k) => {
        if (k !== "set-cookie") out[k] = v;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length) out["set-cookie"] = cookies;
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      res.writeHead(599).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setTrusted(list) {
      trusted = new TrustedProxies(list);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
