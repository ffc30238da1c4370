import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { PASSWORD } from "./helpers";

/**
 * The throttle on the production server: the login form and Auth.js's own endpoint share it,
 * and a forged X-Forwarded-For neither resets it nor is what gets counted (no trusted proxies).
 * Uses frank@globex.test, whom no other spec signs in as; cleans its rows up afterwards.
 */

const EMAIL = "frank@globex.test";
const key = (s: string) => createHash("sha256").update(s).digest("hex");

test.afterAll(async () => {
  if (!process.env.DATABASE_URL) return;
  const sql = postgres(process.env.DATABASE_URL, { max: 1 });
  await sql`delete from sign_in_throttle`;
  await sql.end();
});

test("eight wrong passwords, then the form and Auth.js's endpoint both refuse the right one", async ({
  page,
  request,
}) => {
  for (let i = 0; i < 8; i++) {
    // A fresh page each time: React resets the form after each answer, which would race the typing.
    await page.goto("/login");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "don’t match" })).toBeVisible();
  }
  await page.goto("/login");
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-ins" })).toBeVisible();
  await page.goto("/orgs/globex/billing");
  await expect(page).toHaveURL(/\/login/);

  // Auth.js's own endpoint, with a different X-Forwarded-For on every request.
  const csrf = await request.get("/api/auth/csrf", { headers: { "x-forwarded-for": "203.0.113.77" } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { email: EMAIL, password: PASSWORD, csrfToken, callbackUrl: "/" },
    headers: { "x-forwarded-for": "203.0.113.78" },
    maxRedirects: 0,
  });
  expect(res.headers()["location"]).toContain("code=rate_limited");
  expect(res.headers()["set-cookie"] ?? "").not.toContain("authjs.session-token=ey");

  // The login page explains a refusal that came back from Auth.js's endpoint too.
  await page.goto(res.headers()["location"]!);
  await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-ins" })).toBeVisible();

  if (process.env.DATABASE_URL) {
    const sql = postgres(process.env.DATABASE_URL, { max: 1 });
    try {
      const rows = await sql<{ key: string; attempts: number }[]>`select key, attempts from sign_in_throttle`;
      const byKey = new Map(rows.map((r) => [r.key, r.attempts]));
      expect(byKey.get(key(`email:${EMAIL}`))).toBeGreaterThanOrEqual(8);
      expect(byKey.get(key("client:127.0.0.1"))).toBeGreaterThanOrEqual(8);
      for (const forged of ["203.0.113.77", "203.0.113.78"]) expect(byKey.has(key(`client:${forged}`))).toBe(false);
    } finally {
      await sql.end();
    }
  }
});
