import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests drive Debian's Chromium against a running app (scripts/test-e2e.sh builds
 * and starts it with a fresh seeded database). Playwright never downloads a browser here.
 */
const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";
/** Parallel runs (e.g. several developers' checks on one machine) can each use their own folder. */
const results = process.env.RESULTS_DIR || "test-results";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: `${results}/e2e-artifacts`,
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: `${results}/e2e.json` }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /(subscription|money-lifecycle|card-flows|billing-cancel)\.spec\.ts$/,
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
    // The subscription flow turns Umbrella Labs (Free) into a paying Pro customer, and the credit
    // flow switches Acme's cycle, the card flows fix Hooli's failed payment: they run once the
    // specs that count organizations by plan, or read Acme's, Umbrella's and Hooli's billing, are done.
    {
      name: "billing-lifecycle",
      testMatch: /(subscription|money-lifecycle|card-flows)\.spec\.ts$/,
      dependencies: ["chromium"],
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
    // Acme cancels (and resumes): after the credit flow has switched Acme's cycle.
    {
      name: "billing-cancel",
      testMatch: /billing-cancel\.spec\.ts$/,
      dependencies: ["billing-lifecycle"],
      use: { ...devices["Desktop Chrome"], channel: undefined },
    },
  ],
});
