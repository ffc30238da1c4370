import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

export const PASSWORD = "demo-password";

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Save a screenshot of the page at desktop and phone width into tests/artifacts/screens. */
export async function screenshots(page: Page, name: string) {
  const dir = path.resolve("tests/artifacts/screens");
  fs.mkdirSync(dir, { recursive: true });
  const original = page.viewportSize();
  for (const [label, width] of [
    ["desktop", 1366],
    ["phone", 375],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `${name}-${label}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}
