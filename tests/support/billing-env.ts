import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { setDatabaseForProcess } from "@/db/client";
import { memberships, organizations, subscriptions, users } from "@/db/schema";
import { syncPlanCatalog } from "@/lib/plans/sync";
import { userActor } from "@/lib/audit";
import { DEV_WEBHOOK_SECRET } from "@/lib/env";
import { createStripeClient, setStripeClientForProcess, type Stripe } from "@/lib/stripe/client";
import { startEmulator, type RunningEmulator } from "@agentbill/stripe-emulator";
import { signWebhookPayload } from "@/lib/stripe/webhooks";
import { drainStripeEvents } from "@/lib/webhooks";
import { callApi } from "./api";
import { calendarMonth } from "@/lib/plans/period";
import { createTestDatabase } from "./db";

/**
 * Billing tests run the real services against a fresh database and a local Stripe emulator,
 * whose webhooks reach the app's real webhook route (the platform API's Hono app) over loopback.
 */
export type BillingEnv = {
  database: Database;
  stripe: Stripe;
  emulator: RunningEmulator;
  /**
   * Wait until every webhook the emulator has queued was delivered (acknowledged and stored by
   * the receiver) and processed: the worker drains what is due, as the app's job would.
   */
  settle(): Promise<void>;
  /** Run the webhook worker until no stored event is due. */
  drain(): Promise<{ processed: number; failed: number }>;
  /** Every event the emulator raised, oldest first (GET /v1/events), optionally only those of one customer. */
  events(customerId?: string): Promise<Stripe.Event[]>;
  /**
   * Sign and POST events to the app's webhook route in the order given, as Stripe would, and
   * let the worker apply each before the next arrives (`drain: "end"`: only after the last).
   * Answers the HTTP statuses.
   */
  deliver(events: readonly Stripe.Event[], opts?: { drain?: "each" | "end" }): Promise<number[]>;
  stop(): Promise<void>;
};

/** Does an event concern this Stripe customer (the customer itself, or an object carrying `customer`)? */
export function eventOfCustomer(event: Stripe.Event, customerId: string): boolean {
  const obj = event.data.object as unknown as { id?: string; object?: string; customer?: unknown };
  if (obj.object === "customer") return obj.id === customerId;
  const c = obj.customer;
  return (typeof c === "string" ? c : (c as { id?: string } | null)?.id) === customerId;
}

async function postToRoute(body: string, signature: string | null): Promise<Response> {
  return callApi(
    new Request("http://127.0.0.1/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
      body,
    }),
  );
}

/**
 * `deliverWebhooks: false`: the emulator only records events (GET /v1/events); a test delivers
 * them itself with `deliver`, in whatever order it needs.
 */
export async function startBillingEnv(opts: { deliverWebhooks?: boolean } = {}): Promise<BillingEnv> {
  const database = await createTestDatabase();
  await syncPlanCatalog(database.db);
  setDatabaseForProcess(database);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const response = await callApi(
      new Request(`http://127.0.0.1${req.url}`, {
        method: "POST",
        headers: Object.entries(req.headers).flatMap(([k, v]) =>
          typeof v === "string" ? [[k, v] as [string, string]] : [],
        ),
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const emulator = await startEmulator({
    port: 0,
    webhookSecret: DEV_WEBHOOK_SECRET,
    webhookUrl: opts.deliverWebhooks === false ? undefined : `http://127.0.0.1:${port}/api/webhooks/stripe`,
    retryDelaysMs: [200, 500, 1000],
  });
  const stripe = createStripeClient({ kind: "emulator", port: emulator.port });
  setStripeClientForProcess(stripe);
  const drain = async () => {
    const total = { processed: 0, failed: 0 };
    for (;;) {
      const r = await drainStripeEvents(database.db, stripe, { budgetMs: 60_000 });
      total.processed += r.processed;
      total.failed += r.failed;
      if (r.processed + r.failed === 0) return total;
    }
  };
  return {
    database,
    stripe,
    emulator,
    drain,
    async settle() {
      await emulator.idle();
      await drain();
    },
    async events(customerId) {
      const all: Stripe.Event[] = [];
      for await (const e of stripe.events.list({ limit: 100 })) all.push(e);
      all.reverse();
      return customerId ? all.filter((e) => eventOfCustomer(e, customerId)) : all;
    },
    async deliver(events, opts = {}) {
      const statuses: number[] = [];
      for (const event of events) {
        const body = JSON.stringify(event);
        const response = await postToRoute(body, signWebhookPayload(body, DEV_WEBHOOK_SECRET));
        await response.text();
        statuses.push(response.status);
        if (opts.drain !== "end") await drain();
      }
      if (opts.drain === "end") await drain();
      return statuses;
    },
    async stop() {
      await emulator.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

let n = 0;
/** An organization on Free with `members` members (the first is the owner). */
export async function makeOrg(database: Database, opts: { members?: number; slug?: string } = {}) {
  const slug = opts.slug ?? `org-${Date.now().toString(36)}-${n++}`;
  const [org] = await database.db
    .insert(organizations)
    .values({ slug, name: `Org ${slug}`, billingEmail: `billing@${slug}.test` })
    .returning();
  const period = calendarMonth(new Date());
  await database.db.insert(subscriptions).values({
    organizationId: org!.id,
    planId: "free",
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    maxUsers: 3,
    maxAgents: 10,
    maxExecutionsPerMonth: 10_000,
    maxStorageGb: 1,
    maxGateways: 1,
  });
  const count = opts.members ?? 1;
  let owner: { id: string; email: string } | null = null;
  for (let i = 0; i < count; i++) {
    const [u] = await database.db
      .insert(users)
      .values({ email: `u${i}-${slug}@example.test`, name: `User ${i}` })
      .returning();
    await database.db
      .insert(memberships)
      .values({ organizationId: org!.id, userId: u!.id, role: i === 0 ? "owner" : "member" });
    owner ??= u!;
  }
  return { org: org!, owner: owner!, actor: userActor(owner!) };
}

export async function addMember(database: Database, organizationId: string) {
  const [u] = await database.db
    .insert(users)
    .values({ email: `extra-${n++}-${Date.now()}@example.test`, name: "Extra" })
    .returning();
  await database.db.insert(memberships).values({ organizationId, userId: u!.id, role: "member" });
  return u!;
}

export async function localSubscription(database: Database, organizationId: string) {
  return (await database.db.select().from(subscriptions).where(eq(subscriptions.organizationId, organizationId)))[0]!;
}
