import { expect, test } from "@playwright/test";
import { screenshots, signIn } from "./helpers";

/**
 * Issue 12.2 as Acme's owner walks it: Acme (Pro, 6 members, 46 agents, far over Free's 3 and
 * 10) cancels — always allowed, one confirmation, an optional reason — sees what will be over
 * Free's limits, platform staff see the reason, and the owner resumes. Runs after the other
 * billing specs (it changes Acme's subscription; see playwright.config.ts).
 */
test.describe.configure({ mode: "serial", timeout: 120_000 });

test("Acme cancels over Free's limits with a reason, staff see the reason, and Acme resumes", async ({
  page,
  browser,
}) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing/plan");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await page.getByTestId("cancel-subscription").click();
  const d = page.getByRole("dialog");
  await expect(d.getByRole("heading", { name: "Cancel Pro" })).toBeVisible();
  const over = d.getByTestId("cancel-over-limits");
  await expect(over).toContainText("6 members (Free allows 3)");
  await expect(over).toContainText("46 agents (Free allows 10)");
  await expect(over).toContainText("Nothing is deleted");
  await expect(d.getByRole("button", { name: "Cancel at period end" })).toBeEnabled();
  await d.getByTestId("cancel-reason").fill("Budget freeze until March");
  await screenshots(page, "plan-acme-cancel-dialog");
  await d.getByRole("button", { name: "Cancel at period end" }).click();
  // Stripe (the emulator) is called under the billing lock: allow for a busy machine.
  await expect(d).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId("toast").filter({ hasText: "Cancellation scheduled" })).toBeVisible();
  await expect(page.getByTestId("cancel-scheduled")).toContainText(/^Pro ends on /, { timeout: 30_000 });

  await page.goto("/orgs/acme/billing");
  const banner = page.getByTestId("banner-cancel");
  await expect(banner).toContainText("Nothing is deleted.");
  await expect(page.getByTestId("banner-cancel-over")).toContainText(
    "Over Free’s limits then: 6 members (Free allows 3), 46 agents (Free allows 10), 38 GB of storage (Free allows 1 GB), 4 gateways (Free allows 1).",
  );
  await screenshots(page, "dashboard-acme-cancel-scheduled");

  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, "staff@agentbill.test");
  await staff.goto("/admin/orgs?q=acme");
  await staff.getByRole("link", { name: "Acme Robotics" }).first().click();
  await expect(staff.getByTestId("admin-cancellation-reason")).toHaveText("Budget freeze until March");
  await staff.close();

  await page.goto("/orgs/acme/billing/plan");
  await page.getByTestId("cancel-scheduled").getByRole("button", { name: "Resume subscription" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Subscription resumed" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("cancel-subscription")).toBeVisible();
});

test("a confirm applies only to what was shown: another tab cancelled, so the switch to annual is refused and nothing is charged", async ({
  page,
  browser,
}) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing/plan");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  // Tab A: the preview of the switch to annual.
  await page.getByTestId("cycle-toggle").getByText("Annual").click();
  await page.getByTestId("plan-pro").getByRole("button", { name: "Switch to annual billing" }).click();
  const d = page.getByRole("dialog");
  await expect(d.getByRole("heading", { name: "Switch to annual billing" })).toBeVisible();
  const due = (await d.getByTestId("due-now").textContent())!;
  expect(due).toMatch(/^\$[\d,]+\.\d\d$/);

  // Tab B (another window of the same owner) schedules the cancellation meanwhile.
  const tabB = await (await browser.newContext()).newPage();
  await signIn(tabB, "owner@acme.test");
  await tabB.goto("/orgs/acme/billing/plan");
  await tabB.getByTestId("cancel-subscription").click();
  const dB = tabB.getByRole("dialog");
  await dB.getByRole("button", { name: "Cancel at period end" }).click();
  await expect(dB).toBeHidden({ timeout: 30_000 });
  await expect(tabB.getByTestId("cancel-scheduled")).toContainText(/^Pro ends on /, { timeout: 30_000 });

  // Tab A confirms what it showed: refused, said in the dialog, and the fresh preview replaces the old one.
  // Nothing to pay (an earlier test in the suite can leave Acme a credit) reads "Confirm: switch".
  const confirmLabel = due === "$0.00" ? "Confirm: switch" : `Pay ${due} and switch`;
  await d.getByRole("button", { name: confirmLabel }).click();
  const error = d.getByTestId("plan-change-error");
  await expect(error).toContainText(
    "Your subscription changed since this was shown: a cancellation was scheduled. Review the new price and confirm again.",
    { timeout: 30_000 },
  );
  await expect(d.getByTestId("proration-preview")).toBeVisible({ timeout: 30_000 });
  // The fresh preview says what confirming now would also do.
  await expect(d.getByTestId("undoes-cancellation")).toContainText("This undoes your cancellation");
  await screenshots(page, "plan-stale-preview-refused");
  await d.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(d).toBeHidden();

  // Nothing changed: still monthly, the cancellation still scheduled.
  await page.reload();
  await expect(page.getByTestId("cancel-scheduled")).toContainText(/^Pro ends on /);
  await page.getByTestId("cycle-toggle").getByText("Annual").click();
  await expect(page.getByTestId("plan-pro").getByRole("button", { name: "Switch to annual billing" })).toBeVisible();

  // Leave Acme as it was.
  await tabB.reload();
  await tabB.getByTestId("cancel-scheduled").getByRole("button", { name: "Resume subscription" }).click();
  await expect(tabB.getByTestId("toast").filter({ hasText: "Subscription resumed" })).toBeVisible({ timeout: 30_000 });
  await tabB.close();
});
