import { expect, test, type Page } from "@playwright/test";
import { screenshots, signIn } from "./helpers";

/**
 * Credits as Acme's owner meets them: monthly → annual → back to monthly leaves a credit at
 * Stripe; the dialog says why nothing is due, the dashboard shows the credit and Stripe's
 * estimate with it applied, the switch reads as a credit in the invoice list and detail, and
 * the admin console shows the balance. Runs after the read-only specs (it changes Acme's plan).
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

async function reloadUntil(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 30_000, intervals: [250, 500, 1_000] });
}

test("an interval switch back to monthly leaves a credit that every money page shows", async ({ page, browser }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing/plan");
  await page.getByTestId("cycle-toggle").getByText("Annual").click();
  await page.getByTestId("plan-pro").getByRole("button", { name: "Switch to annual billing" }).click();
  let d = page.getByRole("dialog");
  await expect(d.getByRole("heading", { name: "Switch to annual billing" })).toBeVisible();
  const due = (await d.getByTestId("due-now").textContent())!;
  await d.getByRole("button", { name: `Pay ${due} and switch` }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId("plan-pro")).toContainText("Current · annual");

  // Back to monthly the same day: the unused year is worth more than a month.
  await page.getByTestId("cycle-toggle").getByText("Monthly").click();
  await page.getByTestId("plan-pro").getByRole("button", { name: "Switch to monthly billing" }).click();
  d = page.getByRole("dialog");
  await expect(d.getByRole("heading", { name: "Switch to monthly billing" })).toBeVisible();
  await expect(d.getByTestId("due-now")).toHaveText("$0.00");
  await expect(d.getByTestId("due-now-why")).toContainText("Nothing to pay: the unused time is worth $");
  await expect(d.getByTestId("due-now-why")).toContainText("It goes to your credit balance");
  await expect(d.getByTestId("new-recurring")).toHaveText("$294.00 / month");
  await screenshots(page, "plan-switch-monthly-credit");
  await d.getByRole("button", { name: "Confirm: switch" }).click();
  await expect(d).toBeHidden();
  await expect(page.getByTestId("plan-credit-balance")).toContainText(/Credit balance: \$[\d,]+\.\d\d/);
  const credit = /\$[\d,]+\.\d\d/.exec((await page.getByTestId("plan-credit-balance").textContent())!)![0];

  await page.goto("/orgs/acme/billing");
  await expect(page.getByTestId("credit-balance")).toHaveText(credit);
  await expect(page.getByTestId("next-invoice-amount")).toHaveText("$294.00");
  await expect(page.getByTestId("next-invoice-due")).toHaveText("$0.00 due");
  await expect(page.getByText("$0.00 due: your credit balance covers it")).toBeVisible();
  await screenshots(page, "dashboard-acme-credit");

  await page.goto("/orgs/acme/billing/invoices");
  await expect(page.getByTestId("invoices-credit-balance")).toContainText(`Credit balance: ${credit}.`);
  const first = page.getByTestId("invoice-row").first();
  await reloadUntil(page, async () => {
    await expect(first).toContainText(`${credit} credit`, { timeout: 1_000 });
  });
  await expect(first).toContainText("Credited");
  await screenshots(page, "invoices-acme-credit");
  await first.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Credit");
  await expect(page.getByTestId("invoice-note")).toHaveText(
    `Nothing to pay: this invoice credits ${credit} to your balance, and the credit pays your next invoices first.`,
  );
  await expect(page.getByTestId("invoice-total-credited")).toContainText(credit);
  await screenshots(page, "invoice-credit-acme");

  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, "staff@agentbill.test");
  await staff.goto("/admin/orgs?q=acme");
  await staff.getByRole("link", { name: "Acme Robotics" }).first().click();
  await expect(staff.getByTestId("admin-credit-balance")).toHaveText(`${credit} credit`);
  await staff.close();
});
