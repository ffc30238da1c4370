import { expect, test } from "@playwright/test";
import { screenshots, signIn } from "./helpers";

test("signed-out visitors are sent to sign in", async ({ page }) => {
  await page.goto("/orgs/acme/billing");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await screenshots(page, "login");
});

test("a wrong password gets a clear message and no session", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("owner@acme.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don’t match an account" })).toBeVisible();
  await page.goto("/orgs/acme/billing");
  await expect(page).toHaveURL(/\/login/);
});

test("a malformed email is refused with a field message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("x");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
});

test("an owner signs in and sees the organization's plan and usage", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  await expect(page).toHaveURL(/\/orgs\/acme\/billing/);
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("usage-users")).toContainText("6");
  await expect(page.getByTestId("usage-executions")).toContainText("/ 100,000");
  await screenshots(page, "billing-acme");
});

test("a member of another organization is refused", async ({ page }) => {
  await signIn(page, "owner@globex.test");
  await expect(page).toHaveURL(/\/orgs\/globex\/billing/);
  const response = await page.goto("/orgs/acme/billing");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  await screenshots(page, "forbidden");
});

test("an organization owner cannot open the admin console", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
});

test("a platform admin sees organizations by plan", async ({ page }) => {
  await signIn(page, "staff@agentbill.test");
  await expect(page).toHaveURL(/\/admin/);
  await expect(page.getByRole("heading", { name: "Platform overview" })).toBeVisible();
  await expect(page.getByTestId("plan-count-free")).toHaveText("2");
  await expect(page.getByTestId("plan-count-pro")).toHaveText("2");
  await expect(page.getByTestId("plan-count-enterprise")).toHaveText("1");
  await screenshots(page, "admin-overview");
});

test("the public health check answers", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", db: "ok" });
});
