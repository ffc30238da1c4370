import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import { pdfText } from "../support/pdf-text";
import { screenshots, signIn } from "./helpers";

/**
 * Invoice documents and billing details as a customer who makes mistakes fills them in, and the
 * admin overview's figures agreeing with their charts, on the demo data.
 */

async function expectNoSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

test("an owner fixes billing details after the form points at each mistake; invoices and PDFs print them", async ({
  page,
}) => {
  await signIn(page, "owner@acme.test");
  await page.goto("/orgs/acme/billing/invoices");
  await page.getByRole("link", { name: "Billing details" }).click();
  await expect(page.getByRole("heading", { name: "Billing details", level: 1 })).toBeVisible();
  const form = page.getByTestId("billing-details-form");

  // A US address with a German postcode, no state, and an email typo.
  await form.getByLabel("Billing email").fill("ap@acme");
  await form.getByLabel("Legal name").fill("Acme Robotics, Inc.");
  await form.getByLabel("Country").selectOption("US");
  await form.getByLabel("Address", { exact: true }).fill("1 Market Street");
  await form.getByLabel("City").fill("San Francisco");
  await form.getByLabel("Postal code").fill("10117");
  await form.getByLabel("EIN (optional)").fill("12345");
  await form.getByRole("button", { name: "Save billing details" }).click();
  await expect(form.getByText("Enter an email address like billing@example.com.")).toBeVisible();
  await expect(form.getByText("Enter the state, like CA.")).toBeVisible();
  await expect(form.getByText("That isn't a United States EIN: it looks like 12-3456789.")).toBeVisible();
  // What was typed is still there.
  await expect(form.getByLabel("Address", { exact: true })).toHaveValue("1 Market Street");
  await expect(form.getByLabel("Billing email")).toHaveAttribute("aria-invalid", "true");
  await screenshots(page, "billing-details-errors");

  await form.getByLabel("Billing email").fill("ap@acme.example");
  await form.getByLabel("State").selectOption("CA");
  await form.getByLabel("Postal code").fill("94105");
  await form.getByLabel("EIN (optional)").fill("123456789");
  await form.getByRole("button", { name: "Save billing details" }).click();
  await expect(form.getByTestId("billing-details-saved")).toContainText("Billing details saved");
  await expect(form.getByLabel("EIN (optional)")).toHaveValue("12-3456789");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "billing-details-saved");

  // Every invoice is made out to them, page and PDF alike; the seller comes from configuration.
  await page.goto("/orgs/acme/billing/invoices");
  await page.getByTestId("invoice-row").filter({ hasText: "ACME-0002" }).getByRole("link").first().click();
  const customer = page.getByTestId("invoice-customer");
  await expect(customer).toContainText("Acme Robotics, Inc.");
  await expect(customer).toContainText("San Francisco, CA 94105");
  await expect(customer).toContainText("EIN: 12-3456789");
  await expect(page.getByTestId("invoice-seller")).toContainText("AgentBill Inc.");
  await expect(page.getByText("Issued by")).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-pdf").click()]);
  const text = pdfText(fs.readFileSync((await download.path())!)).join("\n");
  for (const s of [
    "Acme Robotics, Inc.",
    "1 Market Street",
    "San Francisco, CA 94105",
    "EIN: 12-3456789",
    "AgentBill Inc.",
  ])
    expect(text).toContain(s);
});

test("a member sees the billing details but can't change them", async ({ page }) => {
  await signIn(page, "member@acme.test");
  await page.goto("/orgs/acme/billing/details");
  await expect(page.getByText("Only owners and admins can change the billing details.")).toBeVisible();
  await expect(page.getByTestId("billing-details-form")).toHaveCount(0);
  await expect(page.getByTestId("billing-details-readonly")).toBeVisible();
});

test("the admin overview's cards are their charts' last points", async ({ page }) => {
  await signIn(page, "staff@agentbill.test");
  await page.goto("/admin");
  const mrr = (await page.getByTestId("mrr").textContent())!.trim();
  const series = page.getByTestId("mrr-series-usd");
  await page.getByText("Show the numbers").first().click();
  await expect(series.getByRole("row").last().getByRole("cell")).toHaveText(mrr);
  await page.getByText("Show the numbers").nth(1).click();
  const signups = page.getByTestId("signups-series");
  await expect(signups.getByRole("row").last().getByRole("cell")).toHaveText(
    (await page.getByTestId("new-this-month").textContent())!.trim(),
  );
  // Seeded organizations signed up over the past year, not all this month.
  expect(Number((await page.getByTestId("new-this-month").textContent())!.trim())).toBeLessThan(5);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "admin-overview");
});
