import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Runs only the emulator tests, without the integration project's database globalSetup:
//   npx vitest run -c tests/integration/emulator/vitest.emulator.config.ts
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export default defineConfig({
  root,
  resolve: {
    alias: {
      "@": root,
      "server-only": path.join(root, "tests/support/server-only-stub.ts"),
    },
  },
  test: {
    name: "emulator",
    include: ["tests/integration/emulator/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
