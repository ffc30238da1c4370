import { expect, test, type APIRequestContext } from "@playwright/test";
import { mailLink, PASSWORD, screenshots, signIn } from "./helpers";

/**
 * Accounts from the emailed links (a real SMTP server receives them, scripts/test-e2e.sh):
 * a forgotten password is reset and the old one stops working; a sign-up creates an organization
 * on Free that can subscribe only once the address is confirmed; a signed-in person changes their
 * address through a link sent to the new one. Every link is first fetched as a mail scanner would
 * (Outlook Safe Links and the like): that GET must not use it up. /dev/mail exists only in development.
 */

test.describe.configure({ timeout: 120_000 });

/** Fetch a link twice as a mail scanner does (no cookies, no clicks): it must still work afterwards. */
async function scan(request: APIRequestContext, link: string) {
  for (let i = 0; i < 2; i++) expect((await request.get(link)).status()).toBe(200);
}

test("forgotten password: same answer for any address, the link works once, the old password stops working", async ({
  page,
  request,
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
  await scan(request, link);
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

test("sign up on Free, see the confirmation notice, confirm the address from the email", async ({ page, request }) => {
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
  await scan(request, link);
  await page.goto(link);
  // Opening the link shows what will happen; only the button confirms.
  await expect(page.getByText(`Confirm that ${email} is your address`)).toBeVisible();
  await page.goto("/account");
  await expect(page.getByTestId("verify-email-notice")).toBeVisible();
  await page.goto(link);
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page.getByRole("status")).toContainText(`${email} is confirmed`);
  await page.goto("/account");
  await expect(page.getByTestId("verify-email-notice")).toHaveCount(0);
});

test("change the email address: confirm from the new address's mail, then sign in with it", async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  const old = `mover-${stamp}@oldco.test`;
  const moved = `mover-${stamp}@newco.test`;
  const password = "mover-password-1";
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Mover");
  await page.getByLabel("Work email").fill(old);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Organization name").fill(`Mover ${stamp}`);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/orgs\//);

  await page.goto("/account");
  const email = page.getByLabel("New email address");
  // A wrong password: refused, nothing sent, the typed address kept.
  await email.fill(`  ${moved.toUpperCase()} `);
  await page.getByLabel("Your password").fill("not-my-password");
  await page.getByRole("button", { name: "Send a confirmation link" }).click();
  await expect(page.getByText("This is not your password.")).toBeVisible();
  // (An email input trims what is typed; the server also lower-cases it.)
  await expect(email).toHaveValue(moved.toUpperCase());
  await page.getByLabel("Your password").fill(password);
  await page.getByRole("button", { name: "Send a confirmation link" }).click();
  await expect(page.getByTestId("email-change-sent")).toContainText(`We sent a confirmation link to ${moved}`);
  await page.reload();
  await expect(page.getByTestId("email-change-pending")).toContainText(moved);
  await expect(page.getByText(`You sign in with ${old}.`)).toBeVisible();
  await screenshots(page, "account-email-change");

  // The old address is told (with the way out); the new one gets the link.
  await mailLink(old, "/forgot-password", "Your AgentBill email address is being changed");
  const link = await mailLink(moved, "/confirm-email-change/", "Confirm your new email address");
  await scan(request, link);
  await page.goto(link);
  await expect(page.getByText(`will use ${moved} instead of ${old}`)).toBeVisible();
  await page.getByRole("button", { name: `Use ${moved}` }).click();
  await expect(page.getByRole("status")).toContainText(`Your email address is now ${moved}`);
  await page.goto(link);
  await expect(page.getByRole("alert")).toContainText("was already used");

  await page.goto("/account");
  await expect(page.getByText(`You sign in with ${moved}.`)).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(old);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don’t match" })).toBeVisible();
  await signIn(page, moved, password);
  await page.goto("/account");
  await expect(page.getByText(`Signed in as ${moved}.`)).toBeVisible();
});

test("the development mailbox does not exist outside development", async ({ request }) => {
  expect((await request.get("/dev/mail")).status()).toBe(404);
});
