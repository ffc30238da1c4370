import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { organizations, stripeEvents } from "@/db/schema";
import { rowsOf } from "@/db/types";
import { attachPaymentMethod, ensureCustomer, lockOrganizationBilling } from "@/lib/billing";
import { lockedRead } from "@/lib/billing/lock";
import { statement } from "@/lib/billing/statements";
import type { Stripe } from "@/lib/stripe/client";
import { processNextEvents } from "@/lib/webhooks";
import { recordStripeEvent } from "@/lib/webhooks/record";
import { eventOfCustomer, makeOrg, startBillingEnv, type BillingEnv } from "../support/billing-env";

/**
 * Issue #15 item 3: the passes of one worker batch (one transaction) share their Stripe reads
 * and what they learn of the database, and a pass reads under the organization's billing lock
 * in the same round trip as the lock, without reading before it.
 */
let env: BillingEnv;
beforeAll(async () => {
  env = await startBillingEnv({ deliverWebhooks: false });
});
afterAll(async () => env?.stop());

/** `stripe`, counting the reads (retrieve) of each resource. */
function counting(stripe: Stripe) {
  const reads: string[] = [];
  const client = new Proxy(stripe, {
    get(target, prop) {
      const resource = Reflect.get(target, prop) as object;
      if (typeof prop !== "string" || !["customers", "subscriptions", "invoices", "paymentMethods"].includes(prop))
        return resource;
      return new Proxy(resource, {
        get(t, p) {
          const fn = Reflect.get(t, p) as unknown;
          if (p !== "retrieve" || typeof fn !== "function") return typeof fn === "function" ? fn.bind(t) : fn;
          return (...args: unknown[]) => {
            reads.push(`${prop}/${String(args[0])}`);
            return (fn as (...a: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    },
  }) as Stripe;
  return { client, reads };
}

describe("a worker batch", () => {
  it("with two card events of one customer reads the customer's card once and ends with Stripe's card", async () => {
    const db = env.database.db;
    const o = await makeOrg(env.database);
    const customer = await ensureCustomer(db, env.stripe, o.org.id);
    await attachPaymentMethod(db, env.stripe, {
      organizationId: o.org.id,
      paymentMethod: "pm_card_visa",
      actor: o.actor,
    });
    // Our copy goes stale (as if those events had not been applied yet).
    await db.update(organizations).set({ paymentMethod: null }).where(eq(organizations.id, o.org.id));
    const events = (await env.events(customer)).filter(
      (e) => (e.type === "payment_method.attached" || e.type === "customer.updated") && eventOfCustomer(e, customer),
    );
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["payment_method.attached", "customer.updated"]));
    await db.execute(sql`truncate ${stripeEvents}`);
    for (const e of events) await recordStripeEvent(db, e);

    const { client, reads } = counting(env.stripe);
    const worked = await processNextEvents(db, client, new Date(), { batchMs: 60_000 });
    expect(worked.every((w) => w.outcome === "processed")).toBe(true);
    expect(worked.length).toBeGreaterThanOrEqual(2); // the passes of both objects, in one batch
    expect(reads.filter((r) => r === `customers/${customer}`)).toHaveLength(1);

    const remote = (await env.stripe.customers.retrieve(customer, {
      expand: ["invoice_settings.default_payment_method"],
    })) as Stripe.Customer;
    const pm = remote.invoice_settings.default_payment_method as Stripe.PaymentMethod;
    const [org] = await db
      .select({ card: organizations.paymentMethod })
      .from(organizations)
      .where(eq(organizations.id, o.org.id));
    expect(org!.card).toMatchObject({ id: pm.id, last4: pm.card!.last4 });
    const pending = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from ${stripeEvents} where status <> 'processed'`),
    );
    expect(pending[0]!.n).toBe(0);
  });
});

describe("a read under the billing lock", () => {
  const nameOf = statement<{ name: string }>("test_organization_name", (db) =>
    db
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, sql.placeholder("id"))),
  );

  it("sent with the lock, runs once the lock is held: it sees what the lock's previous holder committed", async () => {
    const db = env.database.db;
    const o = await makeOrg(env.database);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const holder = db.transaction(async (tx) => {
      await lockOrganizationBilling(tx, o.org.id);
      await tx.update(organizations).set({ name: "Changed under the lock" }).where(eq(organizations.id, o.org.id));
      held();
      await released;
    });
    await holding;
    const reader = db.transaction((tx) => lockedRead(tx, o.org.id, () => nameOf(tx, { id: o.org.id })));
    // The reader waits for the lock (a read sent before it would already have answered).
    const early = await Promise.race([
      reader.then(() => "answered"),
      new Promise((r) => setTimeout(r, 300, "waiting")),
    ]);
    expect(early).toBe("waiting");
    release();
    await holder;
    expect((await reader)[0]!.name).toBe("Changed under the lock");
  });
});
