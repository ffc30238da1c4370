import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { screenshots, signIn } from "./helpers";

/**
 * Hooli's owner fixes a failed payment the way a customer does, against the Stripe emulator:
 * refused cards keep the card chosen, the 3-D Secure test card shows the bank's check (failing it
 * saves nothing, completing it saves the card), a Mastercard pays the overdue invoice (its badge
 * reads "MC"), and a plan change whose charge fails offers another card in the dialog. The steps
 * build on each other and change Hooli's billing, so they run in order, after the read-only specs.
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

const OWNER = "owner@hooli.test";
const PLAN = "/orgs/hooli/billing/plan";

async function expectNoSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

async function saveTestCard(scope: Locator, label: RegExp) {
  await scope.getByLabel(label).check();
  await scope.getByRole("button", { name: /Save card|Replace card|Save and use this card/ }).click();
}

/** Reload until `check` passes: webhooks arrive after the click that caused them. Bounded. */
async function reloadUntil(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 30_000, intervals: [250, 500, 1_000] });
}

async function openCardForm(page: Page): Promise<Locator> {
  await page.goto(PLAN);
  const pm = page.locator("#payment-method");
  await pm.getByRole("button", { name: "Update card" }).click();
  await expect(pm.getByTestId("card-form-panel")).toBeVisible();
  return pm;
}

test("a refused card stays the one chosen, so the next try starts from it", async ({ page }) => {
  await signIn(page, OWNER);
  const pm = await openCardForm(page);
  await saveTestCard(pm, /Visa · declined/);
  await expect(pm.getByTestId("card-error")).toContainText("Your card was declined.");
  await expect(pm.getByLabel(/Visa · declined/)).toBeChecked();
  await expect(pm.getByLabel(/Visa · succeeds/)).not.toBeChecked();

  await saveTestCard(pm, /insufficient funds/);
  await expect(pm.getByTestId("card-error")).toContainText("insufficient funds");
  await expect(pm.getByLabel(/insufficient funds/)).toBeChecked();
  await expect(page.getByTestId("card-on-file")).toContainText("0341");
});

test("3-D Secure: the bank's check appears; failing it saves nothing, completing it saves the card", async ({
  page,
}) => {
  await signIn(page, OWNER);
  const pm = await openCardForm(page);
  await saveTestCard(pm, /needs 3D Secure/);
  await expect(pm.getByTestId("card-needs-auth")).toContainText("Needs authentication");
  const check = pm.getByTestId("bank-check");
  await expect(check).toContainText("Your bank’s check (3-D Secure)");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-bank-check");

  await check.getByRole("button", { name: "Fail authentication" }).click();
  await expect(pm.getByTestId("card-error")).toContainText("We are unable to authenticate your payment method");
  await expect(check).toHaveCount(0);
  await expect(pm.getByLabel(/needs 3D Secure/)).toBeChecked();
  await page.reload();
  await expect(page.getByTestId("card-on-file")).toContainText("0341");

  const again = await openCardForm(page);
  await saveTestCard(again, /needs 3D Secure/);
  await again.getByTestId("bank-check").getByRole("button", { name: "Complete authentication" }).click();
  // Saved: the form closes and the page shows the new card.
  await expect(again.getByTestId("card-form-panel")).toHaveCount(0);
  await expect(page.getByTestId("card-on-file")).toHaveText("Visa •••• 3184");
});

test("a Mastercard pays the overdue invoice; its badge is not cut to 'MAST'", async ({ page }) => {
  await signIn(page, OWNER);
  const pm = await openCardForm(page);
  await saveTestCard(pm, /Mastercard · succeeds/);
  await expect(page.getByTestId("toast").filter({ hasText: "Mastercard •••• 4444 saved" })).toContainText(
    "The overdue invoice is paid",
  );
  await expect(page.getByTestId("card-on-file")).toHaveText("Mastercard •••• 4444");
  await expect(page.getByTestId("card-badge")).toHaveText("MC");
  await reloadUntil(page, async () => {
    await expect(page.getByTestId("plan-past-due")).toHaveCount(0, { timeout: 1_000 });
  });
  await screenshots(page, "plan-hooli-mastercard");
});

test("when a plan change's charge fails, the dialog offers another card", async ({ page }) => {
  await signIn(page, OWNER);
  // A card that saves, then fails every charge.
  const pm = await openCardForm(page);
  await saveTestCard(pm, /attaches, then every charge fails/);
  await expect(page.getByTestId("card-on-file")).toHaveText("Visa •••• 0341");

  await page.getByTestId("cycle-toggle").getByText("Annual").click();
  await page
    .getByTestId("plan-pro")
    .getByRole("button", { name: /Switch to annual billing/ })
    .click();
  const d = page.getByRole("dialog");
  await expect(d.getByText("Charged to Visa •••• 0341.")).toBeVisible();
  await d.getByRole("button", { name: /and switch$/ }).click();
  const error = d.getByTestId("plan-change-error");
  await expect(error).toBeVisible();
  await error.getByRole("button", { name: "Use another card" }).click();
  const form = d.getByTestId("dialog-card-form");
  await expect(form.getByRole("heading", { name: "Use another card" })).toBeVisible();
  await saveTestCard(form, /Visa · succeeds/);
  await expect(d.getByText("Charged to Visa •••• 4242.")).toBeVisible();
  await expect(form).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-dialog-another-card");
});

test("a suspension shows on every page of the organization, with the reason and what to do", async ({
  page,
  browser,
}) => {
  const staff = await browser.newContext();
  const admin = await staff.newPage();
  await signIn(admin, "staff@agentbill.test");
  await admin.goto("/admin/orgs?q=owner%40hooli.test");
  await admin.locator("tbody tr").getByRole("link", { name: "Hooli" }).click();
  const section = (heading: string) =>
    admin.locator("section", { has: admin.getByRole("heading", { name: heading, exact: true }) }).last();
  const confirm = async (name: string) => {
    await admin.getByRole("button", { name: `${name}…` }).click();
    await admin.getByRole("dialog").getByRole("button", { name, exact: true }).click();
  };
  await section("Suspend")
    .getByLabel(/^Reason/)
    .fill("Chargeback on the last invoice");
  await confirm("Suspend organization");
  await expect(section("Reactivate")).toBeVisible();

  // The sentence of a refused key creation (lib/errors suspensionMessage): reason and what to do.
  const sentence = "Hooli is suspended: Chargeback on the last invoice. Its API keys are refused";
  await signIn(page, OWNER);
  for (const path of ["/orgs/hooli/billing", PLAN, "/orgs/hooli/billing/invoices", "/orgs/hooli/settings/api-keys"]) {
    await page.goto(path);
    const banner = page.getByTestId("suspension-banner");
    await expect(banner).toContainText("Hooli is suspended");
    await expect(banner).toContainText(sentence);
    await expect(banner).toContainText(/Write to \S+@\S+ to resolve it\./);
  }
  // No key can be created: the form is replaced by why.
  await expect(page.getByTestId("create-key-suspended")).toBeVisible();
  await expect(page.getByRole("button", { name: /Create key/ })).toHaveCount(0);
  await page.goto(PLAN);
  await expect(page.getByTestId("current-plan").locator("..")).toContainText("Suspended");
  await screenshots(page, "plan-hooli-suspended");

  await section("Reactivate")
    .getByLabel(/^Reason/)
    .fill("E2E: cleanup");
  await confirm("Reactivate organization");
  await expect(section("Suspend")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("suspension-banner")).toHaveCount(0);
  await staff.close();
});
