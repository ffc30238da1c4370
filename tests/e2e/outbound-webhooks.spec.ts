import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startReceiver, type Receiver } from "../support/webhook-receiver";
import { screenshots, signIn } from "./helpers";

/**
 * A platform admin registers the platform's endpoint (a receiver run by this test on loopback;
 * the e2e app allows private targets), copies the secret shown once, sends a test event, and
 * checks its signature the way the README tells receivers to. Customers can't reach the API.
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
  const t = /t=(\d+)/.exec(header)?.[1];
  const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1];
  return Boolean(t && v1) && createHmac("sha256", secret).update(`${t}.${body}`).digest("hex") === v1;
}

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
  await context.close();
});
