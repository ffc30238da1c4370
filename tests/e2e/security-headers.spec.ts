import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

/**
 * Every page answers with the security headers, runs its scripts under the nonce CSP (hydrated,
 * interactive) and raises no CSP violation in Chromium's console.
 */

type Watch = { violations: string[] };

async function watch(page: Page): Promise<Watch> {
  const w: Watch = { violations: [] };
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(msg.text()))
      w.violations.push(msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const list = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      list.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return w;
}

async function visit(page: Page, w: Watch, path: string, status = 200) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(status);
  const h = res!.headers();
  const csp = h["content-security-policy"] ?? "";
  expect(csp, path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(h["x-frame-options"], path).toBe("DENY");
  expect(h["x-content-type-options"], path).toBe("nosniff");
  expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
  expect(h["permissions-policy"], path).toContain("camera=()");
  // Served over plain http here: no HSTS.
  expect(h["strict-transport-security"], path).toBeUndefined();
  // Next's scripts ran under the nonce: the app is hydrated.
  await expect
    .poll(() => page.evaluate(() => Boolean((window as unknown as { next?: unknown }).next)), { message: path })
    .toBe(true);
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  // Every script the server wrote carries this request's nonce (what they load later is trusted
  // through 'strict-dynamic'; a violation would show below).
  const tags = (await res!.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length, path).toBeGreaterThan(0);
  for (const tag of tags) expect(tag, path).toContain(`nonce="${nonce}"`);
  const caught = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  expect([...caught, ...w.violations], path).toEqual([]);
}

test("customer pages carry the headers and run under the CSP without violations", async ({ page }) => {
  const w = await watch(page);
  await visit(page, w, "/login");
  await signIn(page, "owner@acme.test");
  for (const path of [
    "/orgs/acme/billing",
    "/orgs/acme/billing?range=90d",
    "/orgs/acme/billing/plan",
    "/orgs/acme/billing/invoices",
    "/orgs/acme/members",
    "/orgs/acme/settings/api-keys",
    "/account",
  ])
    await visit(page, w, path);
  await page.goto("/orgs/acme/billing/invoices");
  const invoice = page.locator('a[href*="/billing/invoices/"]').first();
  await visit(page, w, (await invoice.getAttribute("href"))!);
  await visit(page, w, "/no-such-page", 404);
  await visit(page, w, "/orgs/globex/billing", 403);
  // Client-side interaction and server actions work under the policy: the cycle switch dialog
  // opens with Stripe's proration preview fetched through a server action.
  await page.goto("/orgs/acme/billing/plan");
  await page.getByRole("button", { name: "Switch to annual billing" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(/\$[0-9,]+\.[0-9]{2}/).first()).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect([
    ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])),
    ...w.violations,
  ]).toEqual([]);
});

test("admin pages carry the headers and run under the CSP without violations", async ({ page }) => {
  const w = await watch(page);
  await signIn(page, "staff@agentbill.test");
  for (const path of ["/admin", "/admin/orgs", "/admin/flags", "/admin/health", "/admin/audit", "/admin/webhooks"])
    await visit(page, w, path);
  await page.goto("/admin/orgs");
  const org = page.locator('a[href^="/admin/orgs/"]').first();
  await visit(page, w, (await org.getAttribute("href"))!);
});

test("API answers carry the headers with a policy that loads nothing", async ({ request }) => {
  for (const path of ["/api/health", "/api/admin/orgs", "/api/auth/session"]) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h["content-security-policy"], path).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["x-content-type-options"], path).toBe("nosniff");
  }
  // A forwarded protocol from a client that is not a trusted proxy is ignored: still no HSTS.
  const spoofed = await request.get("/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(spoofed.headers()["strict-transport-security"]).toBeUndefined();
});
