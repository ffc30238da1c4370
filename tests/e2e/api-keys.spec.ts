import { expect, test, type APIRequestContext } from "@playwright/test";
import { screenshots, signIn } from "./helpers";

const ingest = (request: APIRequestContext, key: string, idempotencyKey: string) =>
  request.post("/api/v1/usage/events", {
    headers: { Authorization: `Bearer ${key}` },
    data: {
      events: [
        { idempotency_key: idempotencyKey, metric: "executions", quantity: 1, occurred_at: new Date().toISOString() },
      ],
    },
  });

test("an owner creates an API key, sees it once, ingests with it, and revokes it", async ({ page, request }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/settings/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();

  const name = `E2E key ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("new-api-key");
  await expect(shown).toBeVisible();
  const key = (await shown.textContent())!.trim();
  expect(key).toMatch(/^agb_[0-9A-Za-z]{40}$/);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 10));
  await screenshots(page, "api-keys-created");

  // Shown once: after a reload only the prefix is left.
  await page.reload();
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
  expect(await page.content()).not.toContain(key);
  await expect(row).toContainText(key.slice(0, 10));

  const ok = await ingest(request, key, `e2e-${Date.now()}-1`);
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ accepted: 1, duplicates: 0 });

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await row.getByRole("button", { name: `Revoke “${name}”` }).click();
  await expect(row).toContainText("Revoked");
  const refused = await ingest(request, key, `e2e-${Date.now()}-2`);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.message).toMatch(/revoked/);
});

test("a member sees the organization's keys but cannot create or revoke them", async ({ page }) => {
  await signIn(page, "member@acme.test");
  await page.goto("/orgs/acme/settings/api-keys");
  await expect(page.getByRole("note")).toContainText("Only owners and admins");
  await expect(page.getByRole("row").filter({ hasText: "Demo key (development)" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Create key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await screenshots(page, "api-keys-member");
});

test("a key with a long unbroken name keeps the keys table inside the page, at 1366 and 375 px", async ({ page }) => {
  await signIn(page, "owner@initech.test");
  await page.goto("/orgs/initech/settings/api-keys");
  const name = `${"x".repeat(70)}${Date.now()}`.slice(0, 80);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key")).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: name });
  // Opening the revoke confirmation used to scroll the table sideways and hide the names.
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(row.getByText("Calls with it will get 401.")).toBeVisible();
  for (const width of [1366, 375]) {
    await page.setViewportSize({ width, height: 900 });
    const table = page.getByRole("table");
    const overflow = await table.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(overflow, `${width} px`).toBeLessThanOrEqual(1);
    await expect(row.getByRole("cell").first()).toBeInViewport();
    // The "created" notice wraps the name too.
    const notice = page.getByRole("status").filter({ hasText: "created" });
    expect(await notice.evaluate((n) => n.scrollWidth - n.clientWidth), `${width} px notice`).toBeLessThanOrEqual(1);
  }
  await screenshots(page, "api-keys-long-name");
});
