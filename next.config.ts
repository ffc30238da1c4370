import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets parallel test runs build into their own folders (scripts/test-e2e.sh).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite loads its wasm/data files from its own package folder: bundling it breaks that.
  // stripe: one copy of the SDK for route handlers, server actions and instrumentation, so a
  // client cached on globalThis by one of them throws errors the others recognise (instanceof).
  serverExternalPackages: ["@electric-sql/pglite", "pdf-lib", "stripe"],
  // Workspace packages ship TypeScript source (packages/*): Next compiles them like app code.
  // The emulator is only reached through a dynamic import (lib/stripe/emulator-runtime.ts).
  transpilePackages: ["@agentbill/currencies", "@agentbill/stripe-emulator"],
  experimental: {
    // forbidden() renders app/forbidden.tsx with a 403 status.
    authInterrupts: true,
  },
  // `npm run dev` (server.ts) listens on every interface; Next's dev server answers its own
  // resources (/_next/*, the HMR websocket) only to localhost and these origins. Without the
  // loopback addresses a page opened at http://127.0.0.1:PORT gets "Unauthorized" written on its
  // HMR socket (tests/unit/dev-origins.test.ts). Development only; production ignores it.
  allowedDevOrigins: ["127.0.0.1", "[::1]"],
  poweredByHeader: false,
  // `npm run typecheck` (tsc) is its own step in `npm test` and CI; the build doesn't repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
