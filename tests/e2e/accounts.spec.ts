import { expect, test } from "@playwright/test";
import { mailLink, PASSWORD, screenshots, signIn } from "./helpers";

/**
 * Accounts from the emailed links (a real SMTP server receives them, scripts/test-e2e.sh):
 * a forgotten password is reset and the old one stops working; a sign-up creates an organization
 * on Free that can subscribe only once the address is confirmed. /dev/mail exists only in development.
 */

test.describe.configure({ timeout: 120_000 });

test("forgotten password: same answer for any address, the link works once, the old password stops working", async ({
  page,
}) => {
  const who = "milton@initech.test";
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email").fill("nobody-here@initech.test");
  await page.getByRole("button", { name: "Send the link" }).click();
  const answer = await page.getByTestId("account-form-done").textContent();
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(who);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByTestId("account-form-done")).toHaveText(answer!);

  const link = await mailLink(who, "/reset-password/", "Reset your AgentBill password");
  await page.goto(link);
  await expect(page.getByText("At least 10 characters.")).toBeVisible();
  await page.getByLabel("New password").fill("short");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await page.getByLabel("New password").fill("milton-new-password");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).not.toHaveURL(/reset-password|login/);

  await page.goto(link);
  await expect(page.getByText("This reset link has expired or was already used.")).toBeVisible();
  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByLabel("Email").fill(who);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don’t match" })).toBeVisible();
  await signIn(page, who, "milton-new-password");
});

test("sign up on Free, see the confirmation notice, confirm the address from the email", async ({ page }) => {
  const email = `founder-${Date.now()}@newco.test`;
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Founder");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill("founder-password-1");
  await page.getByLabel("Organization name").fill("NewCo E2E");
  await screenshots(page, "signup");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/orgs\/newco-e2e/);

  await page.goto("/account");
  await expect(page.getByTestId("verify-email-notice")).toBeVisible();
  const link = await mailLink(email, "/verify-email/", "Confirm your email address");
  await page.goto(link);
  await expect(page.getByRole("status")).toContainText(`${email} is confirmed`);
  await page.goto("/account");
  await expect(page.getByTestId("verify-email-notice")).toHaveCount(0);
});

test("the development mailbox does not exist outside development", async ({ request }) => {
  expect((await request.get("/dev/mail")).status()).toBe(404);
});
