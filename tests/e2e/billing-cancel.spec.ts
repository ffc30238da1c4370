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
