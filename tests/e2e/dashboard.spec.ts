import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import { screenshots, signIn } from "./helpers";

/** The billing dashboard: plan, usage cards, charts with their tables, range switch, CSV, banners, live usage. */

const DEMO_KEY = "agb_demo_acme_local_development_only_key";

async function expectNoSeriousA11yViolations(page: Page, opts: { only?: string } = {}) {
  const builder = new AxeBuilder({ page });
  if (opts.only) builder.include(opts.only);
  const result = await builder.analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/**
 * The period chart is drawn on the server; the four history charts on the client once they come
 * near the viewport: bring each into view, then wait until every chart has its SVG.
 */
async function chartsDrawn(page: Page) {
  await expect(page.getByTestId("period-chart").locator("svg")).toBeVisible();
  for (const figure of await page.locator("main figure").all()) await figure.scrollIntoViewIfNeeded();
  await expect(page.locator(".recharts-surface")).toHaveCount(4);
}

/**
 * Charts size themselves to their box after a resize (the screenshot helper changes the width):
 * wait until every chart fills its box and has drawn its axes before taking a picture.
 */
async function chartsSettled(page: Page) {
  await expect
    .poll(() =>
      page.evaluate(() =>
        [...document.querySelectorAll(".recharts-responsive-container")].every((box) => {
          const svg = box.querySelector("svg.recharts-surface");
          return Boolean(
            svg &&
            box.querySelector(".recharts-cartesian-axis-tick") &&
            Math.abs(svg.getBoundingClientRect().width - box.getBoundingClientRect().width) < 2,
          );
        }),
      ),
    )
    .toBe(true);
}

const historyRows = (page: Page) => page.getByTestId("history-table").locator("tbody tr");

function countOf(text: string): number {
  return Number(text.split("/")[0]!.replace(/[^\d]/g, ""));
}

test("an owner sees the plan, the usage cards, the charts and their tables", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  await expect(page.getByRole("heading", { name: "Billing & usage" })).toBeVisible();
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("next-invoice-amount")).toHaveText("$294.00");
  await expect(page.getByRole("link", { name: "Change plan" })).toBeVisible();
  for (const metric of ["users", "agents", "executions", "storage_bytes", "gateways"])
    await expect(page.getByTestId(`usage-${metric}`)).toBeVisible();
  await expect(page.getByTestId("usage-users")).toContainText("6");
  await expect(page.getByTestId("usage-executions")).toContainText("/ 100,000");
  await expect(page.getByTestId("change-executions")).toContainText(/vs the same point last period|New since|Same as/);

  await chartsDrawn(page);
  await expect(page.getByTestId("period-summary")).toContainText("of 100,000 executions used");
  await expect(page.getByTestId("projection")).toContainText(/At this pace|Too early to project|reached your limit/);

  // The period chart's table view opens from the keyboard.
  await page.getByText("Show this period as a table").focus();
  await page.keyboard.press("Enter");
  const periodTable = page.getByRole("table", { name: "Executions per day this period, with the running total" });
  await expect(periodTable).toBeVisible();
  await expect(periodTable.locator("tbody tr").first()).toBeVisible();

  await page.getByText("Show the last 30 days as a table").click();
  await expect(historyRows(page)).toHaveCount(30);
});

test("the dashboard passes axe and is pictured at desktop and phone width", async ({ page }) => {
  test.slow(); // full-page pictures of a long page on a busy machine
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  await chartsDrawn(page);
  await page.getByText("Show this period as a table").click();
  await expectNoSeriousA11yViolations(page);
  await chartsSettled(page);
  await screenshots(page, "dashboard-acme");
});

test("dark mode: readable, passes axe, pictured", async ({ page }) => {
  test.slow();
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  await chartsDrawn(page);
  // The page's own content (the shared header is checked in light mode above).
  await expectNoSeriousA11yViolations(page, { only: "main" });
  await chartsSettled(page);
  await screenshots(page, "dashboard-acme-dark");
});

test("switching the range to 90 days changes the URL and the table", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  const range = page.getByRole("navigation", { name: "History range" });
  await expect(range.getByRole("link", { name: "30 days" })).toHaveAttribute("aria-current", "true");
  await range.getByRole("link", { name: "90 days" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/billing\?days=90$/);
  await expect(range.getByRole("link", { name: "90 days" })).toHaveAttribute("aria-current", "true");
  await page.getByText("Show the last 90 days as a table").click();
  await expect(historyRows(page)).toHaveCount(90);
  await expect(page.getByTestId("export-csv")).toHaveAttribute("href", "/api/orgs/acme/usage/export?days=90");

  // A range the switch does not offer falls back to 30 days.
  await page.goto("/orgs/acme/billing?days=7");
  await page.getByText("Show the last 30 days as a table").click();
  await expect(historyRows(page)).toHaveCount(30);
});

test("CSV export downloads the usage shown, with a header row", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing?days=90");
  const downloading = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^acme-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = fs
    .readFileSync((await download.path())!, "utf8")
    .trimEnd()
    .split("\r\n");
  expect(lines[0]).toBe("date,executions,agents,gateways,storage_bytes");
  expect(lines).toHaveLength(91);
  expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2},\d+,\d+,\d+,\d+$/);

  const res = await page.request.get("/api/orgs/acme/usage/export?days=30");
  expect(res.headers()["content-type"]).toContain("text/csv");
  const bad = await page.request.get("/api/orgs/acme/usage/export?from=2026-11-10&to=2026-11-01");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("from must not be after to");
  expect((await page.request.get("/api/orgs/globex/usage/export")).status()).toBe(404);
});

test("the export needs a signed-in member", async ({ request }) => {
  expect((await request.get("/api/orgs/acme/usage/export")).status()).toBe(401);
});

test("Globex sees amber and red states and the projection", async ({ page }) => {
  test.slow();
  await signIn(page, "owner@globex.test");
  await page.goto("/orgs/globex/billing");
  await expect(page.getByTestId("plan-name")).toHaveText("Free");
  // At its 3-user limit and its one gateway: red, said in words; agents at 80%: amber.
  await expect(page.getByRole("meter", { name: "Users: share of the limit used" })).toHaveAttribute(
    "aria-valuetext",
    /limit reached/,
  );
  await expect(page.getByRole("meter", { name: "Gateways: share of the limit used" })).toHaveAttribute(
    "aria-valuetext",
    /limit reached/,
  );
  await expect(page.getByRole("meter", { name: "Agents: share of the limit used" })).toHaveAttribute(
    "aria-valuetext",
    /nearing limit/,
  );
  await expect(page.getByText("Limit reached").first()).toBeVisible();
  await expect(page.getByText("Nearing limit").first()).toBeVisible();
  await expect(page.getByTestId("projection")).toContainText(/of your limit|within your limit|Too early to project/);
  await expect(page.getByRole("link", { name: "Upgrade plan" })).toBeVisible();
  await chartsDrawn(page);
  await expectNoSeriousA11yViolations(page);
  await chartsSettled(page);
  await screenshots(page, "dashboard-globex");
});

test("Hooli sees the past-due banner with the amount and Update card", async ({ page }) => {
  test.slow();
  await signIn(page, "owner@hooli.test");
  await page.goto("/orgs/hooli/billing");
  const banner = page.getByTestId("banner-past-due");
  await expect(banner).toContainText("Payment failed");
  await expect(banner).toContainText("$98.00 is past due");
  // It opens the card form on the plan page, not just the section (tests/e2e/card-flows.spec.ts).
  await expect(banner.getByRole("link", { name: "Update card" })).toHaveAttribute(
    "href",
    "/orgs/hooli/billing/plan?card=update#payment-method",
  );
  await chartsDrawn(page);
  await expectNoSeriousA11yViolations(page);
  await chartsSettled(page);
  await screenshots(page, "dashboard-hooli");
});

test("a member sees the same dashboard read-only", async ({ page }) => {
  await signIn(page, "member@hooli.test");
  await page.goto("/orgs/hooli/billing");
  const banner = page.getByTestId("banner-past-due");
  await expect(banner).toContainText("$98.00 is past due");
  await expect(banner).toContainText("Ask an owner or admin");
  await expect(banner.getByRole("link", { name: "Update card" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Change plan" })).toHaveCount(0);
  await expect(page.getByTestId("usage-executions")).toBeVisible();
});

test("usage updates in the dashboard after events are ingested", async ({ page, request }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  const before = countOf(await page.getByTestId("usage-executions").innerText());
  const res = await request.post("/api/v1/usage/events", {
    headers: { authorization: `Bearer ${DEMO_KEY}` },
    data: {
      events: [
        {
          idempotency_key: `e2e-dashboard-${Date.now()}`,
          metric: "executions",
          quantity: 500,
          occurred_at: new Date().toISOString(),
        },
      ],
    },
  });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: 1 });
  await page.reload();
  await expect(page.getByTestId("usage-executions")).toContainText(`${(before + 500).toLocaleString("en-US")} /`);
});
