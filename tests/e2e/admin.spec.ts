import { expect, test, type Page } from "@playwright/test";
import { screenshots, signIn } from "./helpers";

/**
 * The admin console as platform staff walk it. Mutations act on Umbrella Labs (no other spec
 * relies on it) and undo what they can at the end.
 */

const STAFF = "staff@agentbill.test";

// These walk several pages and two sign-ins each; a busy shared machine needs more than 60 s.
test.describe.configure({ timeout: 180_000 });

/** The innermost section (a card) with this heading. */
function card(page: Page, heading: string) {
  return page.locator("section", { has: page.getByRole("heading", { name: heading, exact: true }) }).last();
}

async function confirmIn(page: Page, scope: ReturnType<typeof card>, button: string) {
  await scope.getByRole("button", { name: `${button}…` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: button, exact: true }).click();
}

test("a platform admin finds an organization by owner email, overrides a limit the customer then sees, suspends it and sees the audit rows", async ({
  page,
  browser,
}) => {
  await signIn(page, STAFF);
  await page.goto("/admin/orgs");
  await page.getByLabel("Search").fill("owner@umbrella.test");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=owner%40umbrella\.test/);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await rows.getByRole("link", { name: "Umbrella Labs" }).click();
  await expect(page.getByRole("heading", { name: "Umbrella Labs", level: 1 })).toBeVisible();
  const orgUrl = page.url();

  // Override the agent limit.
  const override = card(page, "Override a limit");
  await override.getByLabel("Limit", { exact: true }).selectOption("maxAgents");
  await override.getByLabel("New limit", { exact: true }).fill("42");
  await override.getByLabel("Reason (for the audit log)").fill("E2E: pilot of the agent pack");
  await confirmIn(page, override, "Override limit");
  await expect(override.getByRole("status")).toHaveText("Limit override saved.");
  await expect(page.getByTestId("admin-usage-agents")).toContainText("/ 42");

  // The customer's own dashboard shows the new limit.
  const customer = await browser.newContext();
  const customerPage = await customer.newPage();
  await signIn(customerPage, "owner@umbrella.test");
  await customerPage.goto("/orgs/umbrella/billing");
  await expect(customerPage.getByTestId("usage-agents")).toContainText("/ 42");
  await customer.close();

  // A reason is required: the form says so and nothing happens.
  const suspend = card(page, "Suspend");
  await suspend.getByRole("button", { name: "Suspend organization…" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();

  await suspend.getByLabel(/^Reason/).fill("E2E: unpaid invoices");
  await confirmIn(page, suspend, "Suspend organization");
  await expect(page.getByText("Suspended.", { exact: false }).first()).toBeVisible();
  await expect(card(page, "Reactivate")).toBeVisible();

  // The org's audit trail and the audit log both show the two changes with their reasons.
  const trail = page.getByTestId("org-audit-row");
  await expect(trail.filter({ hasText: "organization.suspended" })).toContainText("E2E: unpaid invoices");
  await expect(trail.filter({ hasText: "subscription.limit_override_set" })).toContainText(
    "E2E: pilot of the agent pack",
  );
  await page.goto("/admin/audit?org=umbrella");
  await expect(page.getByTestId("audit-row").filter({ hasText: "organization.suspended" })).toHaveCount(1);
  await expect(page.getByTestId("audit-row").filter({ hasText: "subscription.limit_override_set" })).toHaveCount(1);
  // The filter bar keeps its filters in the address: narrow to one action, then clear them all.
  await expect(page.getByLabel("Organization")).toHaveValue("umbrella");
  await page.getByLabel("Action").fill("organization.suspended");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=organization\.suspended/);
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);

  // Undo: reactivate and remove the override.
  await page.goto(orgUrl);
  const reactivate = card(page, "Reactivate");
  await reactivate.getByLabel(/^Reason/).fill("E2E: cleanup");
  await confirmIn(page, reactivate, "Reactivate organization");
  await expect(card(page, "Suspend")).toBeVisible();
  const remove = card(page, "Remove an override");
  await remove.getByLabel(/^Reason/).fill("E2E: cleanup");
  await confirmIn(page, remove, "Remove override");
  await expect(page.getByTestId("admin-usage-agents")).toContainText("/ 10");
});

test("form errors say what to fix and keep what was typed", async ({ page }) => {
  await signIn(page, STAFF);
  await page.goto("/admin/orgs?q=umbrella");
  await page.getByRole("link", { name: "Umbrella Labs" }).click();
  const override = card(page, "Override a limit");
  await override.getByLabel("Reason (for the audit log)").fill("E2E: no value given");
  await confirmIn(page, override, "Override limit");
  await expect(override.getByRole("alert")).toContainText("Enter a whole number, or choose unlimited.");
  await expect(override.getByLabel("Reason (for the audit log)")).toHaveValue("E2E: no value given");
});

test("feature flags: create one, override it for an organization, read it through the API", async ({ page }) => {
  await signIn(page, STAFF);
  await page.goto("/admin/flags");
  const create = card(page, "New flag");
  await create.getByLabel("Key").fill("e2e-flag");
  await create.getByLabel("Rollout (% of organizations)").fill("10");
  await create.getByLabel("Description").fill("Created by the browser test");
  await create.getByLabel("Reason (for the audit log)").fill("E2E");
  await create.getByRole("button", { name: "Create flag" }).click();
  await expect(create.getByRole("status")).toHaveText("Flag created.");
  await expect(page.getByTestId("flag-row-e2e-flag")).toContainText("10%");

  await page.getByRole("link", { name: "e2e-flag" }).click();
  const override = card(page, "Override for one organization");
  await override.getByLabel("Organization (slug or id)").fill("umbrella");
  await override.getByLabel("Reason (for the audit log)").fill("E2E");
  await override.getByRole("button", { name: "Save override" }).click();
  await expect(override.getByRole("status")).toHaveText("Override saved.");
  await expect(page.getByRole("table", { name: "Overrides" })).toContainText("umbrella");

  const api = await page.request.get("/api/admin/flags/e2e-flag");
  expect(api.status()).toBe(200);
  expect(await api.json()).toMatchObject({
    key: "e2e-flag",
    rolloutPercent: 10,
    overrideList: [{ slug: "umbrella", enabled: true }],
  });
  await screenshots(page, "admin-flag-detail");

  const remove = card(page, "Delete");
  await remove.getByLabel("Reason (for the audit log)").fill("E2E: cleanup");
  await confirmIn(page, remove, "Delete flag");
  await expect(page).toHaveURL(/\/admin\/flags$/);
  await expect(page.getByTestId("flag-row-e2e-flag")).toHaveCount(0);
});

test("admin APIs refuse the signed-out (401) and everyone but platform admins (403)", async ({ page, request }) => {
  const routes: [string, string][] = [
    ["GET", "/api/admin/orgs"],
    ["GET", "/api/admin/orgs/00000000-0000-4000-8000-000000000000"],
    ["POST", "/api/admin/orgs/00000000-0000-4000-8000-000000000000/suspend"],
    ["PUT", "/api/admin/orgs/00000000-0000-4000-8000-000000000000/limit-overrides"],
    ["GET", "/api/admin/flags"],
    ["POST", "/api/admin/flags"],
    ["GET", "/api/admin/health"],
    ["GET", "/api/admin/audit"],
    ["GET", "/api/admin/audit/export"],
    ["GET", "/api/admin/webhooks"],
    ["POST", "/api/admin/orgs/00000000-0000-4000-8000-000000000000/change-plan"],
    ["POST", "/api/admin/orgs/00000000-0000-4000-8000-000000000000/resync"],
    ["POST", "/api/admin/orgs/00000000-0000-4000-8000-000000000000/invoices"],
    ["POST", "/api/admin/webhooks/evt_0000/replay"],
    ["POST", "/api/admin/webhooks/replay-failed"],
  ];
  const call = (r: typeof request, [method, url]: [string, string]) =>
    r.fetch(url, { method, data: method === "GET" ? undefined : { reason: "probe" }, maxRedirects: 0 });
  for (const route of routes)
    expect({ route, status: (await call(request, route)).status() }).toEqual({ route, status: 401 });

  for (const email of ["owner@acme.test", "member@acme.test"]) {
    await page.context().clearCookies();
    await signIn(page, email);
    for (const route of routes)
      expect({ email, route, status: (await call(page.request, route)).status() }).toEqual({
        email,
        route,
        status: 403,
      });
    expect((await page.goto("/admin/orgs"))?.status()).toBe(403);
  }
});

test("health, audit export and the organizations list answer as JSON and CSV to staff", async ({ page }) => {
  await signIn(page, STAFF);
  const health = await page.request.get("/api/admin/health");
  expect(health.status()).toBe(200);
  const body = await health.json();
  expect(body.migrations.status).toBe("ok");
  // "degraded" only if this busy machine answered slowly: the database is reachable either way.
  expect(["ok", "degraded"]).toContain(body.database.status);
  expect(body.database.latencyMs).toEqual(expect.any(Number));
  const csv = await page.request.get("/api/admin/audit/export");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).split("\r\n")[0]).toBe(
    "id,at,actor,action,target_type,target_id,organization_id,organization_slug,reason,details",
  );
  const orgs = await page.request.get("/api/admin/orgs?plan=pro&sort=name");
  expect((await orgs.json()).rows.map((r: { slug: string }) => r.slug)).toEqual(["acme", "hooli"]);
  const bad = await page.request.get("/api/admin/orgs?perPage=7");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("Show 25, 50 or 100 a page.");
});

test("every admin page renders at desktop and phone width", async ({ page }) => {
  await signIn(page, STAFF);
  const pages: [string, string, string][] = [
    ["/admin", "Platform overview", "admin-dashboard"],
    ["/admin/orgs", "Organizations", "admin-orgs"],
    ["/admin/flags", "Feature flags", "admin-flags"],
    ["/admin/health", "System health", "admin-health"],
    ["/admin/webhooks", "Webhook events", "admin-webhooks"],
    ["/admin/audit", "Audit log", "admin-audit"],
  ];
  for (const [url, heading, shot] of pages) {
    await page.goto(url);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await screenshots(page, shot);
  }
  await page.goto("/admin/orgs?q=acme");
  await page.getByRole("link", { name: "Acme Robotics" }).click();
  await expect(page.getByRole("heading", { name: "Acme Robotics", level: 1 })).toBeVisible();
  await expect(page.getByTestId("admin-plan-name")).toHaveText("Pro");
  await screenshots(page, "admin-org-detail");

  // Change plan shows Stripe's figure for the choice before anything is confirmed (nothing is submitted here).
  const changePlan = card(page, "Change plan");
  const preview = changePlan.getByTestId("admin-plan-preview");
  await expect(preview).toContainText("Moves to Free on");
  await expect(preview).toContainText("nothing is charged or refunded now");
  await changePlan.getByLabel("Plan", { exact: true }).selectOption("pro");
  await changePlan.getByLabel("Billing cycle").selectOption("annual");
  await expect(preview).toHaveText(
    /^Pro \(annual\), \d+ seats: \$[\d,]+\.\d\d is charged to the card on file now \(prorated\); then \$[\d,]+\.\d\d per year\.$/,
  );
  const shown = await preview.textContent();
  await changePlan.getByLabel("Reason (for the audit log)").fill("Looking only");
  await changePlan.getByRole("button", { name: "Change plan…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(shown!);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});
