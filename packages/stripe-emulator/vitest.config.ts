import { defineConfig } from "vitest/config";

// The package's own tests (no database, no app code): `npm test -w @agentbill/stripe-emulator`.
// The app's `npm test` runs them too, in its integration tier (vitest.config.ts at the root).
export default defineConfig({
  test: {
    name: "stripe-emulator",
    include: ["tests/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
