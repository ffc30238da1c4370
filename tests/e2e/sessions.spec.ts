import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import { PASSWORD, signIn } from "./helpers";

/**
 * Sessions end on the server: sign-out, "sign out everywhere" and a password change make the
 * old session cookie worthless, even a copy taken before. Each test uses its own demo user,
 * one no other spec signs in as.
 */

async function signedInContext(browser: Browser, email: string, password = PASSWORD): Promise<BrowserContext> {
  const context = await browser.newContext();
  await signIn(await context.newPage(), email, password);
  return context;
}

/** A second browser holding a copy of this one's cookies (as a thief of the cookie would). */
async function copyOf(browser: Browser, context: BrowserContext): Promise<BrowserContext> {
  const copy = await browser.newContext();
  await copy.addCookies(await context.cookies());
  return copy;
}

async function expectSignedIn(context: BrowserContext, path: string) {
  const page = await context.newPage();
  await page.goto(path);
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[/]/g, "\\/")}$`));
  await page.close();
}

async function expectSignedOut(context: BrowserContext, path: string) {
  const page = await context.newPage();
  await page.goto(path);
  await expect(page).toHaveURL(/\/login/);
  await page.close();
}

test("sign-out revokes the session: a copy of the old cookie no longer reads the billing page", async ({ browser }) => {
  const context = await signedInContext(browser, "edsger@acme.test");
  const stolen = await copyOf(browser, context);
  await expectSignedIn(stolen, "/orgs/acme/billing");
  const page = await context.newPage();
  await page.goto("/orgs/acme/billing");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expectSignedOut(stolen, "/orgs/acme/billing");
  const api = await stolen.request.get("/api/orgs/acme/usage/export?days=7");
  expect(api.status()).toBe(401);
  await context.close();
  await stolen.close();
});

test("changing the password needs the current one, ends the other sessions and keeps this one", async ({ browser }) => {
  const email = "katherine@acme.test";
  const laptop = await signedInContext(browser, email);
  const phone = await signedInContext(browser, email);
  const page = await laptop.newPage();
  await page.goto("/orgs/acme/billing");
  await page.getByRole("link", { name: /Katherine Johnson|Account/ }).click();
  await expect(page).toHaveURL(/\/account$/);

  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password", { exact: true }).fill("a-new-password-2026");
  await page.getByLabel("New password again").fill("a-new-password-2026");
  await page.getByRole("button", { name: "Change password" }).click();
  const form = page.getByRole("region", { name: "Change password" });
  await expect(form.getByRole("alert")).toContainText("current password is not right");
  await expectSignedIn(phone, "/orgs/acme/billing");

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill("a-new-password-2026");
  await page.getByLabel("New password again").fill("a-new-password-2026");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/account\?passwordChanged=1$/);
  await expect(form.getByRole("status")).toContainText("Password changed");
  await expectSignedIn(laptop, "/orgs/acme/billing");
  await expectSignedOut(phone, "/orgs/acme/billing");

  // The old password no longer signs in; the new one does. Then put the demo password back.
  const again = await browser.newContext();
  const login = await again.newPage();
  await login.goto("/login");
  await login.getByLabel("Email").fill(email);
  await login.getByLabel("Password").fill(PASSWORD);
  await login.getByRole("button", { name: "Sign in" }).click();
  await expect(login.getByRole("alert").filter({ hasText: "don’t match" })).toBeVisible();
  await page.goto("/account");
  await page.getByLabel("Current password").fill("a-new-password-2026");
  await page.getByLabel("New password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("New password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("status")).toContainText("Password changed");
  await Promise.all([laptop.close(), phone.close(), again.close()]);
});

test("sign out everywhere ends every session of the user", async ({ browser }) => {
  const one = await signedInContext(browser, "barbara@acme.test");
  const two = await signedInContext(browser, "barbara@acme.test");
  const page = await one.newPage();
  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=everywhere/);
  await expect(page.getByRole("status").filter({ hasText: "signed out on every browser" })).toBeVisible();
  await expectSignedOut(two, "/orgs/acme/members");
  await expectSignedOut(one, "/orgs/acme/members");
  await Promise.all([one.close(), two.close()]);
});

test("sign-in returns to the page that asked for it, and only to a page of this site", async ({ page }) => {
  await page.goto("/orgs/acme/billing/invoices?page=1");
  await expect(page).toHaveURL(/\/login\?next=%2Forgs%2Facme%2Fbilling%2Finvoices%3Fpage%3D1$/);
  await page.getByLabel("Email").fill("member@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/orgs\/acme\/billing\/invoices\?page=1$/);

  for (const evil of ["//evil.example/", "/\\evil.example", "https://evil.example/"]) {
    const context = await page.context().browser()!.newContext();
    const p = await context.newPage();
    await p.goto(`/login?next=${encodeURIComponent(evil)}`);
    await p.getByLabel("Email").fill("member@acme.test");
    await p.getByLabel("Password").fill(PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await expect(p).toHaveURL(/\/orgs\/acme\/billing$/);
    expect(new URL(p.url()).host).toBe(new URL(page.url()).host);
    await context.close();
  }
});

test("Auth.js's sign-in page with a backslash callback answers without a server error", async ({ request }) => {
  const res = await request.get("/api/auth/signin?callbackUrl=%5C%5Cevil.example", { maxRedirects: 0 });
  expect(res.status()).toBeLessThan(500);
  const location = res.headers()["location"] ?? "";
  expect(location).not.toContain("evil.example");
});
