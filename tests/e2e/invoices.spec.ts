import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import { screenshots, signIn } from "./helpers";

/** Invoice history on the demo data (read only): list, pagination input, detail, PDF, empty state, other organizations' invoices. */

async function expectNoSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

test("an owner lists invoices newest first, opens one with its lines and usage, and downloads the PDF", async ({
  page,
}) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing/invoices");
  await expect(page.getByRole("heading", { name: "Invoices", level: 1 })).toBeVisible();
  const rows = page.getByTestId("invoice-row");
  // The seeded history of the months before and, newest, Stripe's invoice for this month of the
  // demo subscription linked at start-up (the month is billed once: no seeded copy of it).
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).not.toContainText("ACME-");
  await expect(rows.first()).toContainText("$294.00");
  await expect(rows.first()).toContainText("Paid");
  const acme2 = rows.filter({ hasText: "ACME-0002" });
  await expect(acme2).toContainText("$294.00");
  await expect(acme2).toContainText("Paid");
  await expect(page.getByRole("navigation", { name: "Invoice pages" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "invoices-acme");

  // A page parameter that isn't a page reads as the first; one past the end says so.
  await page.goto("/orgs/acme/billing/invoices?page=abc");
  await expect(rows).toHaveCount(3);
  await page.goto("/orgs/acme/billing/invoices?page=9");
  await expect(page.getByText("Nothing on this page")).toBeVisible();
  await page.getByRole("link", { name: "Go to the first page" }).click();
  await expect(rows).toHaveCount(3);

  await acme2.getByRole("link", { name: "ACME-0002", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Invoice ACME-0002");
  await expect(page.getByTestId("invoice-line")).toHaveCount(1);
  const totals = page.getByRole("table", { name: "Invoice lines and totals" });
  await expect(totals).toContainText("$294.00");
  // Paid: nothing is left to pay (Stripe's amount_due would still say $294.00).
  await expect(totals.getByRole("row").filter({ hasText: "Amount due" })).toContainText("$0.00");
  await expect(page.getByTestId("usage-breakdown")).toContainText("Executions");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "invoice-detail-acme");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-pdf").click()]);
  expect(download.suggestedFilename()).toBe("invoice-ACME-0002.pdf");
  expect(
    fs
      .readFileSync((await download.path())!)
      .subarray(0, 4)
      .toString("latin1"),
  ).toBe("%PDF");
});

test("the failed renewal is the one unpaid invoice, and the plan page asks for a new card", async ({ page }) => {
  await signIn(page, "owner@hooli.test");
  await page.goto("/orgs/hooli/billing/invoices");
  // Newest first: Stripe's renewal that failed on the declining card (open: Stripe retries it),
  // Stripe's first invoice, paid, then the seeded history of the months before. One unpaid invoice.
  const rows = page.getByTestId("invoice-row");
  await expect(rows.first()).toContainText("$98.00");
  await expect(rows.first()).toContainText("Open");
  await expect(rows.nth(1)).toContainText("Paid");
  await expect(rows.filter({ hasText: /Open|Overdue/ })).toHaveCount(1);
  await screenshots(page, "invoices-hooli");

  await page.goto("/orgs/hooli/billing/plan");
  const alert = page.getByRole("alert").filter({ hasText: "Your last payment failed" });
  await expect(alert).toBeVisible();
  // Hooli's demo subscription is a real one in the Stripe emulator, charged to a card that declines.
  // The amount, the invoice and when Stripe retries it.
  await expect(alert).toContainText(
    /\$98\.00 is past due \(invoice [A-Z0-9]+-0002\)\. We will retry the card on \w{3} \d{1,2}, \d{4}\./,
  );
  await expect(page.getByText("Not billed through Stripe")).toHaveCount(0);
  await alert.getByRole("link", { name: "Update card" }).click();
  await expect(page).toHaveURL(/#payment-method$/);
  await expect(page.getByTestId("card-on-file")).toContainText("0341");
  // "Update card" opens the card form, with the focus on its first card.
  await expect(page.getByTestId("card-form-panel")).toBeVisible();
  await expect(page.getByTestId("card-form-panel").getByRole("radio").first()).toBeFocused();
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-hooli-past-due");
});

test("an organization without invoices sees an empty state, and another organization's invoice is not found", async ({
  page,
  browser,
}) => {
  const acme = await browser.newContext();
  const acmePage = await acme.newPage();
  await signIn(acmePage, "owner@acme.test");
  await acmePage.goto("/orgs/acme/billing/invoices");
  const href = (await acmePage
    .getByTestId("invoice-row")
    .filter({ hasText: "ACME-0002" })
    .getByRole("link")
    .first()
    .getAttribute("href"))!;
  const id = href.split("/").pop()!;
  await acme.close();

  await signIn(page, "owner@globex.test");
  await page.goto("/orgs/globex/billing/invoices");
  await expect(page.getByText("No invoices yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "See plans" })).toHaveAttribute("href", "/orgs/globex/billing/plan");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "invoices-empty");

  // Acme's invoice under Globex's address is "not found": a real 404 (no loading boundary streams
  // the page first), the not-found view, and nothing of the invoice. So is an id that names nothing.
  expect((await page.goto(`/orgs/globex/billing/invoices/${id}`))?.status()).toBe(404);
  await expect(page.getByText("Invoice not found")).toBeVisible();
  await expect(page.getByText("ACME-0002")).toHaveCount(0);
  expect((await page.goto("/orgs/globex/billing/invoices/00000000-0000-4000-8000-000000000000"))?.status()).toBe(404);
  await expect(page.getByText("Invoice not found")).toBeVisible();
  expect((await page.goto("/orgs/globex/billing/invoices/not-an-id"))?.status()).toBe(404);
  expect((await page.goto(`/orgs/acme/billing/invoices/${id}`))?.status()).toBe(403);
  expect((await page.request.get(`/api/invoices/${id}/pdf`)).status()).toBe(404);
});
