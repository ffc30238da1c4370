import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import fs from "node:fs";
import { acceptInvitation, screenshots, signIn } from "./helpers";

/**
 * The subscription lifecycle as Umbrella Labs' owner walks it, against the Stripe emulator with
 * webhooks into the app: cards (declined, 3-D Secure, Visa), Free → Pro monthly, the invoice and
 * its PDF, monthly → annual, Pro → Free refused then scheduled, resume. The tests build on each
 * other, so they run in order; Globex's page shows the recommendation and the Enterprise form.
 */
// Each step drives Stripe (the emulator) several times: allow for a busy machine.
test.describe.configure({ mode: "serial", timeout: 180_000 });

const OWNER = "owner@umbrella.test";
const PLAN = "/orgs/umbrella/billing/plan";

async function expectNoSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Reload until `check` passes: webhooks arrive after the click that caused them. Bounded. */
async function reloadUntil(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 30_000, intervals: [250, 500, 1_000] });
}

function dialog(page: Page): Locator {
  return page.getByRole("dialog");
}

async function saveTestCard(scope: Locator, label: RegExp) {
  await scope.getByLabel(label).check();
  await scope.getByRole("button", { name: /Save card|Replace card/ }).click();
}

test("a declined card and a card that needs authentication are explained, and nothing is saved", async ({ page }) => {
  await signIn(page, OWNER);
  await page.goto(PLAN);
  await expect(page.getByRole("heading", { name: "Plan", level: 1 })).toBeVisible();
  await expect(page.getByTestId("current-plan")).toHaveText("Free");
  await expect(page.getByTestId("plan-free")).toContainText("Current plan");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-umbrella-free");

  const pm = page.locator("#payment-method");
  await pm.getByRole("button", { name: "Add a card" }).click();
  await expect(pm.getByText("Test mode")).toBeVisible();
  await saveTestCard(pm, /Visa · declined/);
  await expect(pm.getByTestId("card-error")).toContainText(
    "Your card was declined. Use another card or contact your bank.",
  );

  await saveTestCard(pm, /needs 3D Secure/);
  await expect(pm.getByTestId("card-needs-auth")).toContainText("Needs authentication");
  await expect(pm.getByTestId("card-error")).toHaveCount(0);
  await screenshots(page, "plan-card-needs-auth");

  await page.reload();
  await expect(page.getByTestId("card-on-file")).toContainText("No card on file");
});

test("a Free owner picks Pro monthly, adds the test Visa and confirms; the dashboard shows Pro, active", async ({
  page,
}) => {
  await signIn(page, OWNER);
  await page.goto(PLAN);
  await page.getByTestId("plan-pro").getByRole("button", { name: "Upgrade to Pro" }).click();
  const d = dialog(page);
  await expect(d.getByRole("heading", { name: "Subscribe to Pro, billed monthly" })).toBeVisible();
  await expect(d.getByTestId("due-now")).toHaveText("$49.00");
  await expect(d.getByTestId("new-recurring")).toHaveText("$49.00 / month");
  await expect(d.getByRole("button", { name: "Pay $49.00 and subscribe" })).toBeDisabled();

  await expect(d.getByRole("heading", { name: "Add a card to continue" })).toBeVisible();
  await saveTestCard(d, /Visa · succeeds/);
  await expect(d.getByText("Charged to Visa •••• 4242")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-subscribe-dialog");

  await d.getByRole("button", { name: "Pay $49.00 and subscribe" }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId("toast").filter({ hasText: "You're on Pro, billed monthly" })).toBeVisible();
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await expect(page.getByTestId("card-on-file")).toHaveText("Visa •••• 4242");
  // Now billed monthly through Stripe: the page suggests the annual saving.
  await expect(page.getByTestId("recommendation")).toContainText("At your usage, annual billing saves $98.00 a year.");
  await screenshots(page, "plan-umbrella-pro");

  await page.goto("/orgs/umbrella/billing");
  await reloadUntil(page, async () => {
    await expect(page.getByTestId("plan-name")).toHaveText("Pro", { timeout: 1_000 });
    await expect(page.getByText("Status: Active")).toBeVisible({ timeout: 1_000 });
  });
});

test("the subscription's invoice is listed, its detail opens and the PDF downloads", async ({ page }) => {
  await signIn(page, OWNER);
  await page.goto("/orgs/umbrella/billing/invoices");
  // The invoice is mirrored by the webhook (invoice.created / invoice.paid).
  const row = page.getByTestId("invoice-row").filter({ hasText: "$49.00" });
  await reloadUntil(page, async () => {
    await expect(row.getByText("Paid")).toBeVisible({ timeout: 1_000 });
  });
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "invoices-umbrella");

  await row.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Invoice");
  await expect(page.getByTestId("invoice-line").first()).toContainText("Pro");
  await expect(page.getByRole("table", { name: "Invoice lines and totals" })).toContainText("$49.00");
  await expect(page.getByTestId("usage-breakdown")).toContainText("Executions");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "invoice-detail-umbrella");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-pdf").click()]);
  expect(download.suggestedFilename()).toMatch(/^invoice-.+\.pdf$/);
  const bytes = fs.readFileSync((await download.path())!);
  expect(bytes.subarray(0, 4).toString("latin1")).toBe("%PDF");
});

test("monthly to annual shows Stripe's proration preview before confirming", async ({ page }) => {
  await signIn(page, OWNER);
  await page.goto(PLAN);
  await page.getByTestId("cycle-toggle").getByText("Annual").click();
  await expect(page.getByTestId("price-pro")).toContainText("$490");
  await page.getByTestId("plan-pro").getByRole("button", { name: "Switch to annual billing" }).click();
  const d = dialog(page);
  await expect(d.getByRole("heading", { name: "Switch to annual billing" })).toBeVisible();
  const preview = d.getByTestId("proration-preview");
  await expect(preview.getByRole("table", { name: "Charged now" })).toContainText("Credit");
  await expect(preview.getByRole("table", { name: "Charged now" })).toContainText("(prorated)");
  await expect(d.getByTestId("new-recurring")).toHaveText("$490.00 / year");
  const due = (await d.getByTestId("due-now").textContent())!;
  expect(due).toMatch(/^\$\d{3}\.\d{2}$/);
  await screenshots(page, "plan-annual-preview");

  await d.getByRole("button", { name: `Pay ${due} and switch` }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId("plan-pro")).toContainText("Current · annual");
  await expect(page.getByTestId("recommendation")).toHaveCount(0);
});

test("Pro to Free is refused while over Free's limits, then scheduled at period end after removing a member, and resumed", async ({
  page,
  browser,
}) => {
  await signIn(page, OWNER);
  await page.goto("/orgs/umbrella/members");
  await expect(page.getByTestId("seat-effect")).toContainText(
    /^Adds 1 seat: \+\$490\.00\/year, \$\d+\.\d{2} due today, prorated\.$/,
  );
  for (const who of ["ripley", "hicks", "bishop"]) {
    await page.getByLabel("Email").fill(`${who}@umbrella.test`);
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await expect(page.getByTestId("invitation-row").filter({ hasText: `${who}@umbrella.test` })).toBeVisible();
  }
  // Members (and billed seats) only once they accept the emailed invitations.
  for (const who of ["ripley", "hicks", "bishop"]) await acceptInvitation(browser, `${who}@umbrella.test`);
  await page.reload();
  await expect(page.getByTestId("member-row")).toHaveCount(4);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "members-umbrella-pro");

  await page.goto(PLAN);
  await page.getByTestId("cancel-subscription").click();
  let d = dialog(page);
  await expect(d.getByRole("heading", { name: "Downgrade to Free" })).toBeVisible();
  await expect(d.getByTestId("plan-change-problems")).toContainText(
    "You have 4 members; Free allows 3. Remove 1 member first.",
  );
  await expect(d.getByRole("button", { name: "Schedule the downgrade" })).toBeDisabled();
  await screenshots(page, "plan-downgrade-refused");
  await d.getByRole("link", { name: "Manage members" }).click();

  await expect(page).toHaveURL(/\/orgs\/umbrella\/members$/);
  const bishop = page.getByTestId("member-row").filter({ hasText: "bishop@umbrella.test" });
  await bishop.getByRole("button", { name: /^Remove/ }).click();
  d = dialog(page);
  await expect(d.getByTestId("remove-seat-effect")).toHaveText(
    "Removes 1 seat: −$490.00/year from the next invoice; the unused time is credited.",
  );
  await d.getByRole("button", { name: "Remove member" }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId("member-row")).toHaveCount(3);

  await page.goto(PLAN);
  await page.getByTestId("plan-free").getByRole("button", { name: "Downgrade to Free" }).click();
  d = dialog(page);
  await expect(d.getByTestId("proration-preview")).toContainText("Takes effect");
  await expect(d.getByTestId("plan-change-problems")).toHaveCount(0);
  await d.getByRole("button", { name: "Schedule the downgrade" }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId("cancel-scheduled")).toContainText(/^Pro ends on /);
  await expect(page.getByTestId("plan-free")).toContainText("Downgrade scheduled");
  await screenshots(page, "plan-cancel-scheduled");

  await page.getByTestId("cancel-scheduled").getByRole("button", { name: "Resume subscription" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Subscription resumed" })).toBeVisible();
  await expect(page.getByTestId("cancel-scheduled")).toHaveCount(0);
  await expect(page.getByTestId("cancel-subscription")).toBeVisible();
});

test("a Free organization at its limits gets a recommendation and can ask for Enterprise", async ({ page }) => {
  await signIn(page, "owner@globex.test");
  await page.goto("/orgs/globex/billing/plan");
  await expect(page.getByTestId("recommendation")).toContainText("You've reached Free's limit of 3 members.");
  await expect(page.getByTestId("recommendation")).toContainText("Pro removes the cap for $147.00/month for 3 seats.");

  const form = page.getByTestId("enterprise-form");
  await form.getByLabel("What do you need?").fill("Too short");
  await form.getByRole("button", { name: "Send request" }).click();
  await expect(form.getByText("Tell us a little about what you need (at least 10 characters).")).toBeVisible();

  await form.getByLabel("Expected seats").fill("40");
  await form
    .getByLabel("What do you need?")
    .fill("About 40 people, 3 million executions a month, invoicing by bank transfer.");
  await form.getByRole("button", { name: "Send request" }).click();
  await expect(form.getByTestId("enterprise-sent")).toContainText("we've got your request");
  await expect(page.getByTestId("enterprise-request")).toContainText("for 40 seats, reply to owner@globex.test");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-globex");

  await page.emulateMedia({ colorScheme: "dark" });
  await screenshots(page, "plan-globex-dark");
  await expectNoSeriousA11yViolations(page);
});
