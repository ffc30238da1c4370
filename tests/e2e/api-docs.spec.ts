import { expect, test } from "@playwright/test";

test("the API reference at /docs/api is readable offline and matches /api/v1/openapi.json", async ({
  page,
  request,
}) => {
  const spec = await request.get("/api/v1/openapi.json");
  expect(spec.status()).toBe(200);
  const doc = await spec.json();
  expect(doc.openapi).toBe("3.1.0");

  const outside: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname)) outside.push(r.url());
  });
  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { level: 1, name: "AgentBill platform API" })).toBeVisible();
  for (const [, ops] of Object.entries<Record<string, { operationId: string; summary: string }>>(doc.paths)) {
    for (const op of Object.values(ops)) await expect(page.locator(`#${op.operationId}`)).toBeVisible();
  }
  await expect(page.locator("#createReservation")).toContainText("idempotency_key");
  await expect(page.locator("#createReservation")).toContainText("ttl_seconds");
  expect(outside).toEqual([]);
});
