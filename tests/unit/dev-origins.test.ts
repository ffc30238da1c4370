import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import nextConfig from "../../next.config";

/**
 * `npm run dev` (server.ts) listens on every interface but Next's dev server only serves its own
 * resources (/_next/*, the HMR websocket) to origins it allows: localhost, the hostname it was
 * given and `allowedDevOrigins`. From http://127.0.0.1:PORT it wrote a bare "Unauthorized" onto
 * the HMR upgrade's socket (Chromium: ERR_INVALID_HTTP_RESPONSE, no HMR). This runs Next's own
 * check (next 16.4, an internal module) against our config, as server.ts starts it.
 */
const require = createRequire(import.meta.url);
const { blockCrossSiteDEV } = require("next/dist/server/lib/router-utils/block-cross-site-dev") as {
  blockCrossSiteDEV: (req: IncomingMessage, res: unknown, allowed: string[] | undefined, hostname?: string) => boolean;
};

function hmrUpgrade(origin: string) {
  const req = { url: "/_next/hmr?id=x", headers: { origin, upgrade: "websocket", connection: "Upgrade" } };
  const written: string[] = [];
  const socket = Object.assign(new EventEmitter(), { end: (chunk?: string) => void written.push(chunk ?? "") });
  const blocked = blockCrossSiteDEV(
    req as unknown as IncomingMessage,
    socket,
    nextConfig.allowedDevOrigins,
    "localhost",
  );
  return { blocked, written };
}

describe("dev server: Next's cross-origin guard for its dev resources", () => {
  it.each(["http://localhost:3600", "http://127.0.0.1:3600", "http://[::1]:3600"])(
    "lets the HMR websocket from %s through",
    (origin) => {
      const { blocked, written } = hmrUpgrade(origin);
      expect(written).toEqual([]);
      expect(blocked).toBe(false);
    },
  );

  it("still blocks another site's page", () => {
    expect(hmrUpgrade("http://evil.example").blocked).toBe(true);
  });
});
