import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/connect";
import { setDatabaseForProcess } from "@/db/client";
import { memberships, organizations, subscriptions, users } from "@/db/schema";
import { seedPlans } from "@/db/seed";
import { userActor } from "@/lib/audit";
import { DEV_WEBHOOK_SECRET } from "@/lib/env";
import { createStripeClient, setStripeClientForProcess, type Stripe } from "@/lib/stripe/client";
import { startEmulator, type RunningEmulator } from "@/lib/stripe/emulator";
import { POST as webhookRoute } from "@/app/api/webhooks/stripe/route";
import { calendarMonth } from "@/lib/plans/period";
import { createTestDatabase } from "./db";

/**
 * Billing tests run the real services against a fresh database and a local Stripe emulator,
 * whose webhooks reach the app's real route handler over loopback.
 */
export type BillingEnv = {
  database: Database;
  stripe: Stripe;
  emulator: RunningEmulator;
  /** Wait until every webhook the emulator has queued was delivered and processed. */
  settle(): Promise<void>;
  stop(): Promise<void>;
};

export async function startBillingEnv(): Promise<BillingEnv> {
  const database = await createTestDatabase();
  await seedPlans(database.db);
  setDatabaseForProcess(database);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const response = await webhookRoute(
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
    webhookUrl: `http://127.0.0.1:${port}/api/webhooks/stripe`,
    retryDelaysMs: [200, 500, 1000],
  });
  const stripe = createStripeClient({ kind: "emulator", port: emulator.port });
  setStripeClientForProcess(stripe);
  return {
    database,
    stripe,
    emulator,
    settle: () => emulator.idle(),
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
