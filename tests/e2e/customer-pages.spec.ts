import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { PASSWORD, screenshots, signIn } from "./helpers";

/**
 * What customers read on the billing pages, as each demo organization sees it: Initech's
 * Enterprise contract (its own terms; changes are requests), Hooli's dunning (amount, retry date,
 * "Update card" that opens the card form, no upsell), the period's day count, the API-keys page,
 * the admin console's refusal, sign-in back to the page asked for, and the section tabs at phone
 * width. Nothing here changes billing state (Initech's request only adds a request).
 */

async function expectNoSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** The limits a plan card lists, as { label: value }. */
async function limitsOf(page: Page, planId: string): Promise<Record<string, string>> {
  const rows = page.getByTestId(`plan-${planId}`).locator("dl > div");
  const out: Record<string, string> = {};
  for (const row of await rows.all()) out[await row.locator("dt").innerText()] = await row.locator("dd").innerText();
  return out;
}

test("Initech sees its Enterprise contract, and asks for changes instead of making them", async ({ page }) => {
  await signIn(page, "owner@initech.test");
  await page.goto("/orgs/initech/billing/plan");
  const enterprise = page.getByTestId("plan-enterprise");
  // The contract (demo seed: 500 agents, 2M executions, 2 TB, 50 gateways at $420 per seat per
  // year), not the catalog's defaults (1,000 / 5M / 1 TB / 100).
  expect(await limitsOf(page, "enterprise")).toEqual({
    Members: "Unlimited",
    Agents: "500",
    "Executions / month": "2,000,000",
    Storage: "2 TB",
    Gateways: "50",
  });
  await expect(enterprise).toContainText("Your contract · annual");
  await expect(enterprise.getByTestId("price-enterprise")).toHaveText("$420 per member / year");
  await expect(enterprise).toContainText("$1,680.00 / year for 4 seats");
  // The cycle switch doesn't change what the contract costs.
  await page.getByTestId("cycle-toggle").getByText("Monthly").click();
  await expect(enterprise.getByTestId("price-enterprise")).toHaveText("$420 per member / year");

  // No self-service change: every other plan, and cancelling, is a request.
  const pro = page.getByTestId("plan-pro");
  await expect(pro.getByRole("button")).toHaveCount(0);
  await expect(pro.getByRole("link", { name: "Ask to move to Pro" })).toHaveAttribute("href", "#enterprise");
  await expect(page.getByTestId("plan-free").getByRole("link", { name: "Ask to move to Free" })).toBeVisible();
  await expect(page.getByTestId("cancel-subscription")).toHaveCount(0);
  await expect(page.getByTestId("change-contract")).toHaveText("Ask to change or cancel");
  await expect(page.getByRole("heading", { name: "Talk to us about Enterprise" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Change your contract" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-initech-contract");

  await page.getByTestId("change-contract").click();
  await expect(page).toHaveURL(/#enterprise$/);
  const form = page.getByTestId("enterprise-form");
  await expect(form.getByLabel("Expected seats")).toHaveValue("4");
  await form.getByLabel("What should change?").fill("Move to 6 seats from January, and 3 TB of storage.");
  await form.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByTestId("enterprise-sent")).toBeVisible();
  await expect(page.getByTestId("enterprise-request").first()).toContainText("for 4 seats");
});

test("Hooli's dunning says the amount and the retry date, and 'Update card' opens the card form", async ({ page }) => {
  await signIn(page, "owner@hooli.test");
  await page.goto("/orgs/hooli/billing");
  const sentence = /\$98\.00 is past due \(invoice [A-Z0-9]+-0002\)\. We will retry the card on \w{3} \d{1,2}, \d{4}\./;
  await expect(page.getByTestId("banner-past-due")).toContainText(sentence);
  await page.getByTestId("banner-past-due").getByRole("link", { name: "Update card" }).click();
  await expect(page).toHaveURL(/\/orgs\/hooli\/billing\/plan\?card=update#payment-method$/);
  const panel = page.getByTestId("card-form-panel");
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("radio").first()).toBeFocused();
  await expect(panel).toBeInViewport();

  // The plan page's own banner: the same facts, and its "Update card" opens the form too.
  await page.goto("/orgs/hooli/billing/plan");
  const banner = page.getByTestId("plan-past-due");
  await expect(banner).toContainText("Your last payment failed");
  await expect(banner).toContainText(sentence);
  await expect(banner).toContainText(/If it stays unpaid, Free plan limits apply from \w{3} \d{1,2}, \d{4}\./);
  await expect(page.getByTestId("card-form-panel")).toHaveCount(0);
  await banner.getByRole("link", { name: "Update card" }).click();
  await expect(page).toHaveURL(/#payment-method$/);
  await expect(page.getByTestId("card-form-panel")).toBeVisible();
  await expect(page.getByTestId("card-form-panel").getByRole("radio").first()).toBeFocused();
  // A past-due organization isn't offered annual billing (or anything else) before it pays.
  await expect(page.getByTestId("recommendation")).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-hooli-update-card");

  // A member reads the same facts and is told who can act.
  const member = await page.context().browser()!.newContext();
  const m = await member.newPage();
  await signIn(m, "member@hooli.test");
  await m.goto("/orgs/hooli/billing/plan");
  await expect(m.getByTestId("plan-past-due")).toContainText(sentence);
  await expect(m.getByTestId("plan-past-due")).toContainText("Ask an owner or admin");
  await expect(m.getByTestId("plan-past-due").getByRole("link", { name: "Update card" })).toHaveCount(0);
  await member.close();
});

test("the period sentence counts the period's own days", async ({ page }) => {
  // Acme's demo period starts at the time of day it was linked: it touches one UTC day more
  // than it lasts, which read "day 1 of 32" for a 31-day period.
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  const text = await page.getByTestId("period-summary").innerText();
  const [, day, days] = /in day (\d+) of (\d+) of this period/.exec(text) ?? [];
  expect([28, 29, 30, 31]).toContain(Number(days));
  expect(Number(day)).toBeGreaterThanOrEqual(1);
  expect(Number(day)).toBeLessThanOrEqual(Number(days));
});

test("the API-keys page says a hash is stored, not the key", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/settings/api-keys");
  await expect(page.getByText(/We store only a hash of each key and its first characters/)).toBeVisible();
  await expect(page.getByText("Only a prefix is stored")).toHaveCount(0);
});

test("an owner refused the admin console reads about the admin console, not an organization", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  const response = await page.goto("/admin/orgs");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "The admin console is for platform staff" })).toBeVisible();
  await expect(page.getByText(/organization\b(?!s)/)).toHaveCount(0);
  await screenshots(page, "forbidden-admin");
  // "Sign in as someone else" signs out first (signed in, /login would send us straight back).
  await page.getByRole("button", { name: "Sign in as someone else" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("sign-in brings you back to the page you were going to, card form and all", async ({ page }) => {
  await page.goto("/orgs/hooli/billing/plan?card=update");
  await expect(page).toHaveURL(/\/login\?next=%2Forgs%2Fhooli%2Fbilling%2Fplan%3Fcard%3Dupdate$/);
  await page.getByLabel("Email").fill("owner@hooli.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/orgs\/hooli\/billing\/plan\?card=update$/);
  await expect(page.getByTestId("card-form-panel")).toBeVisible();
});

test("at 375 px the section tabs show that more follow, and every tab is reachable", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing");
  const nav = page.getByRole("navigation", { name: "Organization sections" });
  const more = nav.getByTestId("tabs-scroll-more");
  await expect(more).toBeVisible();
  await expect(nav.getByTestId("tabs-scroll-back")).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "API keys" })).not.toBeInViewport({ ratio: 1 });
  await screenshots(page, "tabs-phone-start");
  await page.setViewportSize({ width: 375, height: 800 });
  await more.click();
  // (Whole, give or take a sub-pixel of rounding.)
  await expect(nav.getByRole("link", { name: "API keys" })).toBeInViewport({ ratio: 0.99 });
  await expect(nav.getByTestId("tabs-scroll-back")).toBeVisible();
  await expect(more).toHaveCount(0);
  await nav.getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  // On the page of a tab that was out of view, that tab is scrolled into view and marked current.
  await page.reload();
  const current = nav.locator('[aria-current="page"]');
  await expect(current).toHaveText("API keys");
  await expect(current).toBeInViewport({ ratio: 0.99 });
  // Keyboard: every tab is a link in order, whatever is scrolled into view.
  await expect(nav.getByRole("link")).toHaveText(["Usage & billing", "Plan", "Invoices", "Members", "API keys"]);
  await screenshots(page, "tabs-phone-api-keys");
  // At desktop width everything fits: no cue.
  await page.setViewportSize({ width: 1366, height: 800 });
  await expect(nav.getByTestId("tabs-scroll-more")).toHaveCount(0);
  await expect(nav.getByTestId("tabs-scroll-back")).toHaveCount(0);
});
