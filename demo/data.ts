import type { MemberRole } from "@/db/schema";

/**
 * The demo's people and organizations (README, "Demo accounts"). Public by design: the password
 * and the API key below are printed in the README, so demo data is seeded only in development or
 * when asked for (SEED_DEMO=1, `npm run db:seed -- --demo`), and production then warns.
 */

/** The demo organization's key (Acme), so the README's curl works at once. */
export const DEMO_API_KEY = "agb_demo_acme_local_development_only_key";

export const DEMO_PASSWORD = "demo-password";
/** The memo of the seeded history invoices (demo-link removes those of periods Stripe then bills). */
export const SEEDED_INVOICE_MEMO = "Demo history (seeded)";

export type DemoOrg = {
  slug: string;
  name: string;
  plan: "free" | "pro" | "enterprise";
  cycle: "monthly" | "annual";
  /** Day of the month the paid subscription renews on (paid plans). */
  anchor?: { month: number; day: number };
  members: { email: string; name: string; role: MemberRole }[];
  usage: {
    executionsPerDay: number;
    agents: [number, number];
    gateways: [number, number];
    storageGb: [number, number];
  };
  status?: "past_due";
  custom?: {
    pricePerSeatCents: number;
    maxAgents: number;
    maxExecutionsPerMonth: number;
    maxStorageGb: number;
    maxGateways: number;
  };
};

export const DEMO_ADMIN = { email: "staff@agentbill.test", name: "Pat Platform" };

export const DEMO_ORGS: DemoOrg[] = [
  {
    slug: "acme",
    name: "Acme Robotics",
    plan: "pro",
    cycle: "monthly",
    anchor: { month: 0, day: 8 },
    members: [
      { email: "owner@acme.test", name: "Ada Lovelace", role: "owner" },
      { email: "admin@acme.test", name: "Grace Hopper", role: "admin" },
      { email: "member@acme.test", name: "Alan Turing", role: "member" },
      { email: "katherine@acme.test", name: "Katherine Johnson", role: "member" },
      { email: "edsger@acme.test", name: "Edsger Dijkstra", role: "member" },
      { email: "barbara@acme.test", name: "Barbara Liskov", role: "member" },
    ],
    usage: { executionsPerDay: 2_300, agents: [28, 46], gateways: [3, 4], storageGb: [22, 38] },
  },
  {
    slug: "globex",
    name: "Globex",
    plan: "free",
    cycle: "monthly",
    members: [
      { email: "owner@globex.test", name: "Hank Scorpio", role: "owner" },
      { email: "member@globex.test", name: "Homer Simpson", role: "member" },
      { email: "frank@globex.test", name: "Frank Grimes", role: "member" },
    ],
    usage: { executionsPerDay: 395, agents: [5, 8], gateways: [1, 1], storageGb: [0.3, 0.7] },
  },
  {
    slug: "initech",
    name: "Initech",
    plan: "enterprise",
    cycle: "annual",
    anchor: { month: 2, day: 15 },
    members: [
      { email: "owner@initech.test", name: "Bill Lumbergh", role: "owner" },
      { email: "owner@acme.test", name: "Ada Lovelace", role: "admin" },
      { email: "peter@initech.test", name: "Peter Gibbons", role: "member" },
      { email: "milton@initech.test", name: "Milton Waddams", role: "member" },
    ],
    usage: { executionsPerDay: 41_000, agents: [180, 240], gateways: [18, 24], storageGb: [410, 520] },
    custom: {
      pricePerSeatCents: 420_00,
      maxAgents: 500,
      maxExecutionsPerMonth: 2_000_000,
      maxStorageGb: 2_000,
      maxGateways: 50,
    },
  },
  {
    slug: "umbrella",
    name: "Umbrella Labs",
    plan: "free",
    cycle: "monthly",
    members: [{ email: "owner@umbrella.test", name: "Alice Abernathy", role: "owner" }],
    usage: { executionsPerDay: 60, agents: [1, 3], gateways: [0, 1], storageGb: [0.02, 0.1] },
  },
  {
    slug: "hooli",
    name: "Hooli",
    plan: "pro",
    cycle: "monthly",
    anchor: { month: 0, day: 21 },
    status: "past_due",
    members: [
      { email: "owner@hooli.test", name: "Gavin Belson", role: "owner" },
      { email: "member@hooli.test", name: "Nelson Bighetti", role: "member" },
    ],
    usage: { executionsPerDay: 1_200, agents: [12, 19], gateways: [2, 2], storageGb: [8, 12] },
  },
];
