import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedCustomer, startTestEmulator } from "./helpers";

const dir = mkdtempSync(path.join(tmpdir(), "stripe-emulator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dataFile", () => {
  it("keeps state across restarts", async () => {
    const dataFile = path.join(dir, "state.json");
    const first = await startTestEmulator({ dataFile });
    const { customer, monthly } = await seedCustomer(first.stripe);
    const sub = await first.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    await first.emu.stop();
    expect(JSON.parse(readFileSync(dataFile, "utf8"))).toMatchObject({ version: 1 });

    const second = await startTestEmulator({ dataFile });
    try {
      const again = await second.stripe.subscriptions.retrieve(sub.id);
      expect(again.status).toBe("active");
      expect((await second.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
      expect((await second.stripe.events.list({ type: "customer.subscription.created" })).data).toHaveLength(1);
      // The restored card keeps its test behaviour.
      const renewal = await second.stripe.invoices.list({ customer: customer.id });
      expect(renewal.data[0]?.status).toBe("paid");
    } finally {
      await second.emu.stop();
    }
  });
});
