import { constructWebhookEvent, WebhookSignatureError } from "@agentbill/client";
import { expect, test, type Page } from "@playwright/test";
import { startReceiver, type Receiver } from "../support/webhook-receiver";
import { screenshots, signIn } from "./helpers";

/**
 * A platform admin registers the platform's endpoint (a receiver run by this test on loopback;
 * the e2e app allows private targets), copies the secret shown once, sends a test event, and
 * checks its signature the way the README tells receivers to (@agentbill/client); then rolls
 * the secret (shown once; both secrets sign during the grace period), disables the endpoint
 * (a pending retry is canceled) and deletes it (its log stays readable). Customers can't reach the API.
 */

test.describe.configure({ mode: "serial", timeout: 90_000 });

let rx: Receiver;
test.beforeAll(async () => {
  rx = await startReceiver();
});
test.afterAll(async () => {
  await rx?.close();
});

function verify(header: string, body: string, secret: string): boolean {
  try {
    return constructWebhookEvent(body, header, secret).type === "endpoint.test";
  } catch (err) {
    if (err instanceof WebhookSignatureError) return false;
    throw err;
  }
}

let endpointPath = "";
let firstSecret = "";

/** The card of one action on the endpoint's page. */
const card = (page: Page, heading: string) =>
  page.locator("section").filter({ has: page.getByRole("heading", { name: heading, exact: true }) });

test("register an endpoint, see its secret once, send a signed test event", async ({ page }) => {
  await signIn(page, "staff@agentbill.test");
  await page.goto("/admin/webhook-endpoints");
  await expect(page.getByRole("heading", { name: "Webhook endpoints" })).toBeVisible();
  await page.getByLabel("URL").fill(rx.url);
  await page.getByLabel("Description (optional)").fill("Agent platform (e2e)");
  await page.getByLabel("Reason (for the audit log)").fill("connect the platform");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const secret = await page.getByTestId("revealed-secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  await screenshots(page, "webhook-endpoint-created");
  await page.getByRole("link", { name: "Open the endpoint" }).click();
  await expect(page.getByText(secret.slice(0, 10))).toBeVisible();
  endpointPath = new URL(page.url()).pathname;
  firstSecret = secret;
  await expect(page.getByText(secret)).toHaveCount(0);

  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByRole("status")).toContainText("Delivered: the endpoint answered 200");
  const got = rx.requests.at(-1)!;
  expect(JSON.parse(got.body)).toMatchObject({ object: "event", type: "endpoint.test" });
  expect(verify(got.headers["agentbill-signature"] as string, got.body, secret)).toBe(true);
  await page.reload();
  await expect(page.getByTestId("delivery-row").first()).toContainText("endpoint.test");
  await screenshots(page, "webhook-endpoint");

  // An endpoint that fails: the attempt and its code are in the log.
  rx.answer(503);
  await page.getByRole("button", { name: "Send test event" }).click();
  // (Next's route announcer is an alert too: the one with our message.)
  await expect(page.getByRole("alert").filter({ hasText: "Not delivered" })).toContainText("503");
});

test("roll the secret (shown once, both sign during the grace period), disable, delete", async ({ page }) => {
  expect(endpointPath).toMatch(/^\/admin\/webhook-endpoints\/[0-9a-f-]{36}$/);
  rx.answer(200);
  await signIn(page, "staff@agentbill.test");
  await page.goto(endpointPath);

  // Roll, keeping the old secret for an hour.
  const roll = card(page, "Roll signing secret");
  await roll.getByLabel("The old secret keeps signing for").selectOption({ label: "1 hour" });
  await roll.getByLabel("Reason (for the audit log)").fill("rotate the platform's secret");
  await roll.getByRole("button", { name: "Roll secret…" }).click();
  await expect(page.getByRole("dialog", { name: "Roll the signing secret?" })).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Roll secret", exact: true }).click();
  await expect(roll.getByRole("status")).toContainText("shown only once");
  const secret = await roll.getByTestId("rolled-secret").inputValue();
  expect(secret).toMatch(/^whsec_/);
  expect(secret).not.toBe(firstSecret);
  await screenshots(page, "webhook-endpoint-rolled");

  // Shown once: after a reload only its first characters, and the old one's, with the grace period.
  await page.reload();
  await expect(page.getByTestId("rolled-secret")).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(page.getByText(secret.slice(0, 12))).toBeVisible();
  await expect(page.getByTestId("previous-secret")).toContainText(firstSecret.slice(0, 12));

  // A delivery now carries two signatures: the platform verifies with either secret.
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Delivered" })).toContainText("200");
  const got = rx.requests.at(-1)!;
  const header = got.headers["agentbill-signature"] as string;
  expect(header.match(/v1=/g)).toHaveLength(2);
  expect(verify(header, got.body, secret)).toBe(true);
  expect(verify(header, got.body, firstSecret)).toBe(true);
  expect(verify(header, got.body, "whsec_somebody_else")).toBe(false);

  // A failing delivery waits for its retry; disabling cancels it.
  rx.answer(503);
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not delivered" })).toContainText("503");
  const disable = card(page, "Disable");
  await disable.getByLabel("Reason (for the audit log)").fill("platform maintenance");
  await disable.getByRole("button", { name: "Disable endpoint…" }).click();
  await page
    .getByRole("dialog", { name: "Disable this endpoint?" })
    .getByRole("button", { name: "Disable endpoint" })
    .click();
  await expect(page.getByRole("status").filter({ hasText: "Endpoint disabled" })).toContainText(
    // This failure, and the first test's if the worker has not retried it yet.
    /[12] pending deliver(y was|ies were) canceled/,
  );
  await page.reload();
  await expect(page.getByTestId("delivery-row").first()).toContainText("Canceled: the endpoint was disabled.");
  await expect(page.getByRole("heading", { name: "Enable", exact: true })).toBeVisible();

  // Delete, confirmed: it moves to "Deleted endpoints" and its log stays readable.
  const sent = rx.requests.length;
  const del = card(page, "Delete");
  await del.getByLabel("Reason (for the audit log)").fill("the platform moved");
  await del.getByRole("button", { name: "Delete endpoint…" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this endpoint?" });
  await expect(confirm).toContainText("can't be undone");
  await confirm.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page).toHaveURL(/\/admin\/webhook-endpoints$/);
  const deleted = page.locator("section").filter({ has: page.getByRole("heading", { name: "Deleted endpoints" }) });
  await deleted.getByRole("link", { name: rx.url }).first().click();
  await expect(page.getByTestId("deleted-notice")).toContainText("This endpoint was deleted");
  await expect(page.getByTestId("delivery-row").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Send test event" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Redeliver/ })).toHaveCount(0);
  await screenshots(page, "webhook-endpoint-deleted");
  expect(rx.requests.length).toBe(sent);
});

test("only platform staff reach the endpoints API", async ({ browser, request }) => {
  expect((await request.get("/api/admin/webhook-endpoints")).status()).toBe(401);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "owner@acme.test");
  const r = await page.request.post("/api/admin/webhook-endpoints", {
    data: { url: rx.url, events: ["*"], reason: "not allowed" },
    headers: { Origin: new URL(page.url()).origin },
  });
  expect(r.status()).toBe(403);
  const endpointId = endpointPath.split("/").at(-1)!;
  for (const res of [
    await page.request.post(`/api/admin/webhook-endpoints/${endpointId}/roll-secret`, {
      data: { reason: "not allowed" },
      headers: { Origin: new URL(page.url()).origin },
    }),
    await page.request.patch(`/api/admin/webhook-endpoints/${endpointId}`, {
      data: { enabled: true, reason: "not allowed" },
      headers: { Origin: new URL(page.url()).origin },
    }),
  ])
    expect(res.status()).toBe(403);
  await context.close();
});
