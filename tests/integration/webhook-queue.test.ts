import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { organizations, plans, stripeEvents, subscriptions } from "@/db/schema";
import { rowsOf } from "@/db/types";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { DEV_WEBHOOK_SECRET } from "@/lib/env";
import { createStripeClient } from "@/lib/stripe/client";
import { startEmulator, type RunningEmulator } from "@agentbill/stripe-emulator";
import { signWebhookPayload } from "@/lib/stripe/webhooks";
import {
  RETRY_DELAYS_MS,
  drainStripeEvents,
  processNextEvent,
  processNextEvents,
  receiveStripeWebhook,
  replayEvent,
} from "@/lib/webhooks";
import { recordGroupStats } from "@/lib/webhooks/record";
import { createTestDatabase, onRealPostgres } from "../support/db";
import { FIXTURE_IDS, fixtureEvent } from "../support/stripe-fixtures";

/**
 * Issue #15 item 3: the receiver verifies, stores and answers at once; a worker applies the
 * stored events (FOR UPDATE SKIP LOCKED, per-object order, retries with backoff, failures as
 * sentences, replay). Stripe's fixture events against an emulator that doesn't know their
 * objects: the handlers fall back to the events' own copies.
 */
let emulator: RunningEmulator;
let stripe: ReturnType<typeof createStripeClient>;
let database: Database;
let orgId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await syncPlanCatalog(database.db);
  emulator = await startEmulator({ port: 0, webhookSecret: DEV_WEBHOOK_SECRET });
  stripe = createStripeClient({ kind: "emulator", port: emulator.port });
});
afterAll(async () => {
  await emulator?.stop();
  await database?.close();
});

beforeEach(async () => {
  const db = database.db;
  await db.execute(
    sql`truncate stripe_events, invoices, invoice_lines, audit_log, outbox, subscriptions, organizations cascade`,
  );
  await db.update(plans).set({ stripePriceMonthlyId: FIXTURE_IDS.price }).where(eq(plans.id, "pro"));
  const [org] = await db
    .insert(organizations)
    .values({ slug: "queue-co", name: "Queue Co", stripeCustomerId: FIXTURE_IDS.customer })
    .returning();
  orgId = org!.id;
  await db.insert(subscriptions).values({
    organizationId: orgId,
    planId: "free",
    currentPeriodStart: new Date("2024-07-01T00:00:00Z"),
    currentPeriodEnd: new Date("2024-08-01T00:00:00Z"),
  });
});

const receive = (event: unknown, secret = DEV_WEBHOOK_SECRET, db = database.db) => {
  const body = JSON.stringify(event);
  return receiveStripeWebhook(body, signWebhookPayload(body, secret), { db });
};
const stored = async (id: string) => (await database.db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))[0];
const planOf = async () =>
  (await database.db.select().from(subscriptions).where(eq(subscriptions.organizationId, orgId)))[0]!.planId;
const variant = (type: string, id: string, created: number, patch: Record<string, unknown> = {}) => {
  const base = fixtureEvent(type) as unknown as { data: { object: Record<string, unknown> } };
  return { ...base, id, created, data: { object: { ...base.data.object, ...patch } } };
};

describe("the receiver", () => {
  it("stores a verified event as pending and answers 200 at once; the worker applies it", async () => {
    const event = fixtureEvent("customer.subscription.created");
    expect(await receive(event)).toEqual({ status: 200, body: { received: true, outcome: "queued" } });
    expect(await stored(event.id)).toMatchObject({ status: "pending", attempts: 0, processedAt: null });
    expect((await stored(event.id))!.nextAttemptAt).toBeInstanceOf(Date);
    expect(await planOf()).toBe("free"); // nothing applied yet

    expect(await drainStripeEvents(database.db, stripe)).toMatchObject({ processed: 1, failed: 0 });
    expect(await stored(event.id)).toMatchObject({ status: "processed", attempts: 1, nextAttemptAt: null });
    expect(await planOf()).toBe("pro");
    // A redelivery is stored once and applied once.
    expect(await receive(event)).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    expect(await drainStripeEvents(database.db, stripe)).toMatchObject({ processed: 0 });
  });

  it("records a type we don't act on as ignored at the receiver, without a worker pass", async () => {
    const event = { ...fixtureEvent("invoice.paid"), id: "evt_charge_1", type: "charge.refunded" };
    expect(await receive(event)).toEqual({ status: 200, body: { received: true, outcome: "ignored" } });
    expect(await stored("evt_charge_1")).toMatchObject({ status: "ignored", nextAttemptAt: null });
    expect((await stored("evt_charge_1"))!.processedAt).toBeInstanceOf(Date);
    expect(await processNextEvent(database.db, stripe)).toBeNull();
  });

  it("refuses a forged or unsigned delivery with 400 and stores nothing", async () => {
    const event = fixtureEvent("customer.subscription.created");
    const forged = await receive(event, "whsec_someone_else");
    expect(forged.status).toBe(400);
    expect(JSON.stringify(forged.body)).toMatch(/signature verification failed/i);
    const unsigned = await receiveStripeWebhook(JSON.stringify(event), null, { db: database.db });
    expect(unsigned.status).toBe(400);
    expect(await stored(event.id)).toBeUndefined();
  });

  it("answers 500 (Stripe delivers again) only when the event can't be stored", async () => {
    const closed = await createTestDatabase();
    await closed.close();
    const event = fixtureEvent("customer.subscription.created");
    const receipt = await receive(event, DEV_WEBHOOK_SECRET, closed.db);
    expect(receipt.status).toBe(500);
    expect(JSON.stringify(receipt.body)).toContain("Stripe will deliver it again");
  });
});

describe("the receiver's group commit", () => {
  it("stores concurrent deliveries together, each answered after its commit with its own outcome", async () => {
    const before = { ...recordGroupStats };
    const base = fixtureEvent("customer.subscription.updated");
    const events = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 3
        ? { ...fixtureEvent("invoice.paid"), id: `evt_group_${i}`, type: "charge.refunded" }
        : variant("customer.subscription.updated", `evt_group_${i}`, base.created + i),
    );
    // Every event once, a quarter of them twice, all at once.
    const deliveries = [...events, ...events.filter((_, i) => i % 4 === 0)];
    const receipts = await Promise.all(deliveries.map((e) => receive(e)));
    expect(receipts.every((r) => r.status === 200)).toBe(true);
    const outcomes = new Map<string, string[]>();
    deliveries.forEach((e, i) =>
      outcomes.set(e.id, [...(outcomes.get(e.id) ?? []), String(receipts[i]!.body.outcome)]),
    );
    for (const [id, list] of outcomes) {
      const expected = Number(id.split("_").pop()) % 4 === 3 ? "ignored" : "queued";
      expect(list.sort()).toEqual(list.length === 1 ? [expected] : ["duplicate", expected].sort());
    }
    const rows = rowsOf<{ n: number; pending: number }>(
      await database.db.execute(
        sql`select count(*)::int as n, count(*) filter (where status = 'pending')::int as pending from stripe_events where id like 'evt_group_%'`,
      ),
    );
    expect(rows[0]).toEqual({ n: 40, pending: 30 });
    const groups = recordGroupStats.groups - before.groups;
    expect(recordGroupStats.events - before.events).toBe(deliveries.length);
    expect(groups).toBeLessThan(deliveries.length / 2);
    // A later redelivery is a duplicate, as always.
    expect((await receive(events[0]!)).body.outcome).toBe("duplicate");
  });

  it("an event the database refuses fails alone (500, Stripe delivers it again); the rest of its group is stored", async () => {
    const base = fixtureEvent("customer.subscription.updated");
    const good = Array.from({ length: 5 }, (_, i) =>
      variant("customer.subscription.updated", `evt_ok_${i}`, base.created + i),
    );
    // Valid JSON, correctly signed, but jsonb cannot hold a NUL character.
    const refused = variant("customer.subscription.updated", "evt_nul", base.created + 9, {
      metadata: { note: "a\u0000b" },
    });
    const receipts = await Promise.all([...good, refused].map((e) => receive(e)));
    expect(receipts.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(receipts[5]!.status).toBe(500);
    for (const e of good) expect(await stored(e.id)).toMatchObject({ status: "pending" });
    expect(await stored("evt_nul")).toBeUndefined();
  });
});

describe("the worker", () => {
  it("applies the events of one object in Stripe's order: a newer one waits while an older one is to be retried", async () => {
    await database.db.update(plans).set({ stripePriceMonthlyId: null }).where(eq(plans.id, "pro"));
    const created = fixtureEvent("customer.subscription.created");
    const later = variant("customer.subscription.updated", "evt_later_1", created.created + 30);
    await receive(created);
    await receive(later);
    const first = await drainStripeEvents(database.db, stripe);
    expect(first).toMatchObject({ processed: 0, failed: 1 });
    const failed = (await stored(created.id))!;
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.lastError).toMatch(/not mapped to any plan/);
    expect(failed.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(RETRY_DELAYS_MS[0]! - 2_000);
    // The later event of the same subscription is held back, not applied out of order.
    expect(await stored("evt_later_1")).toMatchObject({ status: "pending", attempts: 0 });

    // The cause is fixed; the retry comes after its backoff.
    await database.db.update(plans).set({ stripePriceMonthlyId: FIXTURE_IDS.price }).where(eq(plans.id, "pro"));
    expect(await drainStripeEvents(database.db, stripe)).toMatchObject({ processed: 0, failed: 0 });
    const afterBackoff = () => new Date(Date.now() + RETRY_DELAYS_MS[0]! + 1_000);
    expect(await drainStripeEvents(database.db, stripe, { now: afterBackoff })).toMatchObject({
      processed: 2,
      failed: 0,
    });
    expect(await stored(created.id)).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(await stored("evt_later_1")).toMatchObject({ status: "processed", attempts: 1 });
    expect(await planOf()).toBe("pro");
  });

  it("gives up after its retries, says so in a sentence with the technical detail beside it, and replays from the admin", async () => {
    await database.db.execute(sql`alter table outbox rename to outbox_moved`);
    try {
      const event = fixtureEvent("customer.subscription.trial_will_end");
      await receive(event);
      let at = Date.now();
      for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length + 1; attempt++) {
        const now = new Date(at);
        const worked = await processNextEvent(database.db, stripe, now);
        expect(worked, `attempt ${attempt}`).toMatchObject({ id: event.id, outcome: "failed" });
        at += (RETRY_DELAYS_MS[attempt - 1] ?? 0) + 1_000;
      }
      const row = (await stored(event.id))!;
      expect(row).toMatchObject({ status: "failed", attempts: RETRY_DELAYS_MS.length + 1, nextAttemptAt: null });
      // A sentence, not the SQL statement; the statement is in the detail.
      expect(row.lastError).toMatch(/^The database refused a statement: relation "outbox" does not exist\./);
      expect(row.lastError).toMatch(/Gave up after 9 attempts/);
      expect(row.lastError!.length).toBeLessThan(300);
      expect(row.lastErrorDetail).toMatch(/Failed query: insert into "outbox"/);
      expect(row.lastErrorDetail).toMatch(/code=42P01/);
      expect(await processNextEvent(database.db, stripe, new Date(at + 365 * 86_400_000))).toBeNull();
    } finally {
      await database.db.execute(sql`alter table outbox_moved rename to outbox`);
    }
    const event = fixtureEvent("customer.subscription.trial_will_end");
    expect(await replayEvent(database.db, stripe, event.id)).toBe("processed");
    expect(await stored(event.id)).toMatchObject({ status: "processed", lastError: null, lastErrorDetail: null });
    const notices = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from outbox where kind = 'trial_will_end'`),
    );
    expect(notices[0]!.n).toBe(1);
  });

  it("one pass applies a run of pending events of one object: the newest, whose handler re-reads the object", async () => {
    const base = fixtureEvent("customer.subscription.updated");
    const seats = (id: string, at: number, quantity: number) => {
      const e = variant("customer.subscription.updated", id, at, { cancel_at_period_end: false, cancel_at: null });
      const obj = e.data.object as { items: { data: { quantity: number }[] } };
      e.data.object = { ...obj, items: { ...obj.items, data: [{ ...obj.items.data[0]!, quantity }] } };
      return e;
    };
    await receive(fixtureEvent("customer.subscription.created"));
    // Delivered out of order: the worker applies them in Stripe's order anyway.
    for (const q of [4, 2, 3, 5]) await receive(seats(`evt_run_${q}`, base.created + q, q));
    expect(await drainStripeEvents(database.db, stripe)).toMatchObject({ processed: 5, failed: 0, passes: 1 });
    const [row] = await database.db.select().from(subscriptions).where(eq(subscriptions.organizationId, orgId));
    expect(row).toMatchObject({ planId: "pro", seats: 5, stripeLastEventCreated: base.created + 5 });
    const rows = rowsOf<{ status: string; attempts: number }>(
      await database.db.execute(sql`select status::text as status, attempts from stripe_events`),
    );
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.status === "processed" && r.attempts === 1)).toBe(true);
  });

  // Two transactions at once need two connections: PGlite has one (it would wait for itself).
  it.skipIf(!onRealPostgres())(
    "a run stops at an event another transaction holds, without waiting for it (batches never wait for each other's heads)",
    async () => {
      const created = fixtureEvent("customer.subscription.created");
      await receive(created);
      await receive(variant("customer.subscription.updated", "evt_held_1", created.created + 1));
      await receive(variant("customer.subscription.updated", "evt_held_2", created.created + 2));
      let worked: unknown;
      await database.db.transaction(async (tx) => {
        // Held as another batch holds its head (an older event of the object that arrived late).
        await tx.execute(sql`select id from stripe_events where id = 'evt_held_1' for update`);
        worked = await processNextEvent(database.db, stripe);
      });
      // The head alone: not the held event, nor the one after it (the run has a gap there).
      expect(worked).toMatchObject({ id: created.id, outcome: "processed", covered: 1 });
      expect(await stored("evt_held_1")).toMatchObject({ status: "pending", attempts: 0 });
      expect(await stored("evt_held_2")).toMatchObject({ status: "pending", attempts: 0 });
      expect(await drainStripeEvents(database.db, stripe)).toMatchObject({ processed: 2, failed: 0, passes: 1 });
    },
  );

  it("an event with an effect of its own (trial_will_end's notice) ends a run and is applied alone", async () => {
    const created = fixtureEvent("customer.subscription.created");
    await receive(created);
    await receive(variant("customer.subscription.updated", "evt_before", created.created + 1));
    await receive({ ...fixtureEvent("customer.subscription.trial_will_end"), created: created.created + 2 });
    await receive(variant("customer.subscription.updated", "evt_after", created.created + 3));
    expect(await drainStripeEvents(database.db, stripe)).toMatchObject({ processed: 4, failed: 0, passes: 3 });
    const notices = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from outbox where kind = 'trial_will_end'`),
    );
    expect(notices[0]!.n).toBe(1);
  });

  it("gives way to the receiver: while it has deliveries in hand one loop works, then all of them", async () => {
    const base = fixtureEvent("customer.subscription.updated");
    // 24 organizations (each pass holds its organization's billing lock), two events each: more
    // objects than one batch claims (BATCH_HEADS), so that several loops have work.
    await database.db.insert(organizations).values(
      Array.from({ length: 24 }, (_, k) => ({
        slug: `way-${k}`,
        name: `Way ${k}`,
        stripeCustomerId: `cus_way_${k}`,
      })),
    );
    await receive(fixtureEvent("customer.subscription.created"));
    for (let i = 0; i < 48; i++)
      await receive(
        variant("customer.subscription.updated", `evt_way_${i}`, base.created + i, {
          id: `sub_way_${i % 24}`,
          customer: `cus_way_${i % 24}`,
          metadata: {},
          cancel_at_period_end: false,
          cancel_at: null,
        }),
      );
    // Passes in flight at once, seen from the worker's re-reads of subscriptions at Stripe.
    let now = 0;
    let most = 0;
    const counting = new Proxy(stripe, {
      get(target, prop) {
        if (prop !== "subscriptions") return Reflect.get(target, prop);
        const subs = target.subscriptions;
        return new Proxy(subs, {
          get(t, p) {
            if (p !== "retrieve") return Reflect.get(t, p);
            return async (...args: Parameters<typeof subs.retrieve>) => {
              most = Math.max(most, ++now);
              await new Promise((r) => setTimeout(r, 20));
              try {
                return await t.retrieve(...args);
              } finally {
                now--;
              }
            };
          },
        });
      },
    });
    let busy = true;
    const busyReport = await drainStripeEvents(database.db, counting, { concurrency: 4, max: 3, yieldTo: () => busy });
    expect(busyReport.passes).toBe(3);
    expect(most).toBe(1);
    busy = false;
    most = 0;
    const report = await drainStripeEvents(database.db, counting, { concurrency: 4, yieldTo: () => busy });
    expect(busyReport.processed + report.processed).toBe(49);
    // All loops at once need a connection each: PGlite has one, so there they take turns.
    expect(most).toBeGreaterThan(onRealPostgres() ? 1 : 0);
  });

  it("one batch applies several objects' events in one transaction; a pass that fails sends them one pass per transaction, the failure on its event", async () => {
    const base = fixtureEvent("customer.subscription.updated");
    await database.db.insert(organizations).values(
      Array.from({ length: 4 }, (_, k) => ({
        slug: `bat-${k}`,
        name: `Batch ${k}`,
        stripeCustomerId: `cus_bat_${k}`,
      })),
    );
    const event = (k: number, id: string, at: number, price = FIXTURE_IDS.price) => {
      const e = variant("customer.subscription.updated", id, base.created + at, {
        id: `sub_bat_${k}`,
        customer: `cus_bat_${k}`,
        metadata: {},
        cancel_at_period_end: false,
        cancel_at: null,
      });
      const obj = e.data.object as { items: { data: { price: { id: string } }[] } };
      e.data.object = {
        ...obj,
        items: { ...obj.items, data: [{ ...obj.items.data[0]!, price: { ...obj.items.data[0]!.price, id: price } }] },
      };
      return e;
    };
    for (let k = 0; k < 4; k++) for (const at of [k, 10 + k]) await receive(event(k, `evt_bat_${k}_${at}`, at));
    // One batch: four objects, each with its run of two events, one pass each.
    const worked = await processNextEvents(database.db, stripe, new Date(), { batchMs: 60_000 });
    expect(worked.map((w) => [w.outcome, w.covered])).toEqual([
      ["processed", 2],
      ["processed", 2],
      ["processed", 2],
      ["processed", 2],
    ]);
    const subs = await database.db.select().from(subscriptions);
    expect(subs.filter((s) => s.stripeSubscriptionId?.startsWith("sub_bat_")).map((s) => s.planId)).toEqual([
      "pro",
      "pro",
      "pro",
      "pro",
    ]);

    // A batch whose third organization's event names a price we don't map: nothing of the batch
    // stays applied, every other event is then applied in a pass of its own, and the failure is
    // recorded on the event that fails (retried with backoff), as one pass per transaction would.
    await database.db.execute(sql`truncate stripe_events, audit_log, outbox`);
    for (let k = 0; k < 4; k++) await receive(event(k, `evt_bad_${k}`, 20 + k, k === 2 ? "price_unknown" : undefined));
    const again = await processNextEvents(database.db, stripe, new Date(), { batchMs: 60_000 });
    expect(again.map((w) => w.outcome).sort()).toEqual(["failed", "processed", "processed", "processed"]);
    const rows = rowsOf<{ id: string; status: string; attempts: number; last_error: string | null }>(
      await database.db.execute(
        sql`select id, status::text as status, attempts, last_error from stripe_events order by id`,
      ),
    );
    expect(rows.map((r) => [r.id, r.status, r.attempts])).toEqual([
      ["evt_bad_0", "processed", 1],
      ["evt_bad_1", "processed", 1],
      ["evt_bad_2", "failed", 1],
      ["evt_bad_3", "processed", 1],
    ]);
    expect(rows[2]!.last_error).toMatch(/not mapped to any plan/);
  });

  it("concurrent batches over many organizations' subscriptions and invoices, delivered in reverse: every event applied once, in order, none failed", async () => {
    const base = fixtureEvent("customer.subscription.updated");
    const orgs = 12;
    await database.db.insert(organizations).values(
      Array.from({ length: orgs }, (_, k) => ({
        slug: `lock-${k}`,
        name: `Lock ${k}`,
        stripeCustomerId: `cus_lock_${k}`,
      })),
    );
    // Each organization: two events of its subscription and two of its invoice, interleaved in
    // time with the other organizations', so that every batch holds several organizations.
    const events: unknown[] = [];
    for (let round = 0; round < 2; round++)
      for (let k = 0; k < orgs; k++) {
        const at = base.created + round * 100 + k;
        events.push(
          variant("customer.subscription.updated", `evt_lock_sub_${k}_${round}`, at, {
            id: `sub_lock_${k}`,
            customer: `cus_lock_${k}`,
            metadata: {},
            cancel_at_period_end: false,
            cancel_at: null,
          }),
          variant(round === 0 ? "invoice.created" : "invoice.paid", `evt_lock_in_${k}_${round}`, at, {
            id: `in_lock_${k}`,
            customer: `cus_lock_${k}`,
            number: `LOCK-${k}`,
          }),
        );
      }
    // Delivered in reverse: the worker applies each object's events in Stripe's order anyway.
    for (const e of events.reverse()) await receive(e);
    const reports = await Promise.all([1, 2, 3].map(() => drainStripeEvents(database.db, stripe, { concurrency: 4 })));
    expect(reports.reduce((n, r) => n + r.failed, 0)).toBe(0);
    expect(reports.reduce((n, r) => n + r.processed, 0)).toBe(orgs * 4);
    const rows = rowsOf<{ status: string; attempts: number }>(
      await database.db.execute(sql`select status::text as status, attempts from stripe_events`),
    );
    expect(rows).toHaveLength(orgs * 4);
    expect(rows.every((r) => r.status === "processed" && r.attempts === 1)).toBe(true);
    const subs = await database.db.select().from(subscriptions);
    expect(subs.filter((s) => s.stripeSubscriptionId?.startsWith("sub_lock_"))).toHaveLength(orgs);
    const invoiceRows = rowsOf<{ n: number; paid: number }>(
      await database.db.execute(
        sql`select count(*)::int as n, count(*) filter (where status = 'paid')::int as paid from invoices where stripe_invoice_id like 'in_lock_%'`,
      ),
    );
    expect(invoiceRows[0]).toMatchObject({ n: orgs, paid: orgs });
  });

  it("several workers draining at once apply every event exactly once", async () => {
    const base = fixtureEvent("customer.subscription.updated");
    const events = Array.from({ length: 24 }, (_, i) =>
      variant("customer.subscription.updated", `evt_many_${i}`, base.created + i, {
        id: `sub_many_${i % 6}`,
        cancel_at_period_end: false,
        cancel_at: null,
      }),
    );
    await receive(fixtureEvent("customer.subscription.created"));
    for (const e of events) await receive(e);
    const reports = await Promise.all([1, 2, 3].map(() => drainStripeEvents(database.db, stripe, { concurrency: 3 })));
    const processed = reports.reduce((n, r) => n + r.processed, 0);
    expect(processed).toBe(25);
    const rows = rowsOf<{ status: string; attempts: number }>(
      await database.db.execute(sql`select status::text as status, attempts from stripe_events`),
    );
    expect(rows.every((r) => r.status === "processed" && r.attempts === 1)).toBe(true);
  });
});
