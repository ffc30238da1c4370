import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.dirname(new URL(import.meta.url).pathname);
const alias = {
  "@": root,
  // `server-only` throws outside React Server Components; in tests every module is server-side.
  "server-only": path.join(root, "tests/support/server-only-stub.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // Property-based tests run thousands of cases: CPU-bound, so allow for a busy machine.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          // packages/*: the workspace packages' own tests (the Stripe emulator's need no database).
          include: ["tests/integration/**/*.test.ts", "packages/*/tests/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          // Route modules import next-auth, whose ESM imports "next/server" without an extension:
          // inlining lets Vite resolve it, so tests can call exported route handlers directly.
          server: { deps: { inline: ["next-auth", "@auth/core"] } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file gets its own database; on PGlite each is in memory, so keep the
          // worker count modest on a 2-core machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
