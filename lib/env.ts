import { isIP } from "node:net";
import { z } from "zod";

/**
 * The one place that reads process.env. Everything else imports `env()`.
 *
 * Empty strings count as unset (a blank line in .env must not become a value).
 * Development and test get safe local defaults so a fresh clone runs with no setup;
 * production refuses to start without the secrets it needs.
 */

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

const DEV_AUTH_SECRET = "dev-only-auth-secret-change-me-0123456789abcdef";
export const DEV_WEBHOOK_SECRET = "whsec_local_emulator_secret_do_not_use_in_production";
export const DEV_CRON_SECRET = "dev-cron-secret";
/** The shortest secret production accepts (AUTH_SECRET, CRON_SECRET, STRIPE_WEBHOOK_SECRET). */
const PRODUCTION_SECRET_MIN = 32;

const serverSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: opt(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")),
    /** Folder for the embedded database and other local state when DATABASE_URL is unset. */
    DATA_DIR: opt(z.string()).transform((v) => v ?? ".data"),
    AUTH_SECRET: opt(z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)")),
    APP_URL: opt(z.url("must be an absolute URL like http://localhost:3000")),
    STRIPE_SECRET_KEY: opt(
      z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, "must look like sk_test_… or sk_live_…"),
    ),
    STRIPE_WEBHOOK_SECRET: opt(z.string().regex(/^whsec_/, "must start with whsec_")),
    STRIPE_EMULATOR_PORT: opt(z.coerce.number().int().min(1).max(65535)).transform((v) => v ?? 12111),
    CRON_SECRET: opt(z.string().min(8, "must be at least 8 characters")),
    /** Days an organization may stay past due before its limits fall back to Free's. */
    DUNNING_GRACE_DAYS: opt(z.coerce.number().int().min(0).max(365)).transform((v) => v ?? 14),
    /**
     * Demo data (demo/): on by default in development only; "1" turns it on anywhere (production
     * then warns: its password and key are public), "0" off.
     */
    SEED_DEMO: opt(z.enum(["0", "1", "true", "false"], { error: "must be 1 or 0" })),
    /** The port this server listens on (set by `next start -p` / hosting); used for the emulator's webhook URL. */
    PORT: opt(z.coerce.number().int().min(1).max(65535)),
    /** The address the server (server.ts) listens on; default: every interface. */
    HOST: opt(z.string().max(255)),
    LOG_LEVEL: opt(z.enum(["debug", "info", "warn", "error"])).transform((v) => v ?? "info"),
    /**
     * Addresses or CIDR ranges of our own reverse proxies / load balancers (commas or spaces).
     * Only requests from these may tell us the client's address in X-Forwarded-For. Default: none.
     */
    TRUSTED_PROXIES: opt(z.string())
      .transform((v) => (v ?? "").split(/[\s,]+/).filter(Boolean))
      .refine((list) => list.every(isProxyEntry), {
        message: "must list IP addresses or CIDR ranges, like 10.0.0.0/8, 127.0.0.1, ::1",
      }),
    /** The seller printed on invoices: legal name, postal address (lines split by "|"), tax ID, support email. */
    SELLER_NAME: opt(z.string().max(200)),
    SELLER_ADDRESS: opt(z.string().max(500)),
    SELLER_TAX_ID: opt(z.string().max(100)),
    SELLER_EMAIL: opt(z.email("must be an email address like billing@example.com")),
    /** Outgoing mail: smtp://user:pass@host:587 or smtps://…; unset in development: the /dev/mail mailbox. */
    SMTP_URL: opt(
      z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL like smtp://user:pass@host:587"),
    ),
    /** The From of every message: an address, or `Name <address>`. */
    MAIL_FROM: opt(z.string().max(300)),
    /** 1: outbound webhooks may target private and loopback addresses (development default; tests set it). */
    OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: opt(z.enum(["0", "1", "true", "false"])),
  })
  .superRefine((e, ctx) => {
    if (e.NODE_ENV !== "production") return;
    // Production refuses to start without its secrets, and refuses the development values this
    // file and the README publish: anyone could sign sessions, webhooks or job calls with them.
    const secret = (name: "AUTH_SECRET" | "CRON_SECRET" | "STRIPE_WEBHOOK_SECRET", why: string, devValue: string) => {
      const value = e[name];
      if (!value) ctx.addIssue({ code: "custom", path: [name], message: `is required in production ${why}` });
      else if (value === devValue)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "is the public development value: set a secret of your own",
        });
      else if (value.length < PRODUCTION_SECRET_MIN)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `must be at least ${PRODUCTION_SECRET_MIN} characters in production (try: openssl rand -base64 32)`,
        });
    };
    secret("AUTH_SECRET", "(it signs sessions; try: openssl rand -base64 32)", DEV_AUTH_SECRET);
    secret(
      "CRON_SECRET",
      "(the bearer secret of /api/cron/*: 32+ characters; try: openssl rand -base64 32)",
      DEV_CRON_SECRET,
    );
    // Webhooks can arrive at /api/webhooks/stripe whenever the app runs: from Stripe with a real
    // key, from the local emulator without one. Either way the secret must not be a public one.
    secret(
      "STRIPE_WEBHOOK_SECRET",
      e.STRIPE_SECRET_KEY
        ? "(copy it from the Stripe dashboard's webhook endpoint, whsec_…)"
        : "(the local Stripe emulator signs its webhooks with it: whsec_ + 32 random characters)",
      DEV_WEBHOOK_SECRET,
    );
  });

/** An address or a CIDR range, IPv4 or IPv6. */
function isProxyEntry(entry: string): boolean {
  const [addr, bits, extra] = entry.split("/");
  const family = addr ? isIP(addr) : 0;
  if (extra !== undefined || !family) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

const clientSchema = z.object({
  NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: opt(z.string().regex(/^pk_(test|live)_/, "must look like pk_test_…")),
});

export type ServerEnv = {
  nodeEnv: "development" | "test" | "production";
  databaseUrl: string | undefined;
  dataDir: string;
  authSecret: string;
  appUrl: string | undefined;
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string;
  stripeEmulatorPort: number;
  /** True when no Stripe key is configured: the app talks to the local emulator. */
  useStripeEmulator: boolean;
  cronSecret: string;
  dunningGraceDays: number;
  /** Demo data on: development unless SEED_DEMO=0, elsewhere only with SEED_DEMO=1. */
  demo: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  port: number | undefined;
  /** HOST: the address `npm start` listens on (undefined: every interface). */
  host: string | undefined;
  /** TRUSTED_PROXIES: addresses or CIDR ranges whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  /** Who issues the invoices (printed on every invoice page and PDF). */
  seller: SellerDetails;
  /** SMTP_URL; null: messages go to the development mailbox (/dev/mail), or nowhere in production. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Outbound webhooks may target private/loopback addresses (default on outside production). */
  outboundWebhooksAllowPrivate: boolean;
};

export type SellerDetails = { name: string; addressLines: string[]; taxId: string | null; email: string };

/** The development seller: a placeholder company, so invoices render on a fresh clone. */
export const DEFAULT_SELLER: SellerDetails = {
  name: "AgentBill Inc.",
  addressLines: ["548 Market Street, Suite 100", "San Francisco, CA 94104", "United States"],
  taxId: null,
  email: "billing@agentbill.test",
};

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

function describe(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".") || "(env)"} ${i.message}`);
}

/** Parse an environment record. Pure: used by `env()` and by unit tests. */
export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = serverSchema.safeParse(source);
  if (!parsed.success) throw new EnvError(describe(parsed.error));
  const e = parsed.data;
  const dev = e.NODE_ENV !== "production";
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    authSecret: e.AUTH_SECRET ?? DEV_AUTH_SECRET,
    appUrl: e.APP_URL,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    // Production always has its own (the schema refuses to start without it).
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET ?? (dev ? DEV_WEBHOOK_SECRET : ""),
    stripeEmulatorPort: e.STRIPE_EMULATOR_PORT,
    useStripeEmulator: !e.STRIPE_SECRET_KEY,
    cronSecret: e.CRON_SECRET ?? (dev ? DEV_CRON_SECRET : ""),
    dunningGraceDays: e.DUNNING_GRACE_DAYS,
    demo: e.SEED_DEMO === undefined ? e.NODE_ENV === "development" : e.SEED_DEMO === "1" || e.SEED_DEMO === "true",
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    host: e.HOST,
    trustedProxies: e.TRUSTED_PROXIES,
    seller: {
      name: e.SELLER_NAME?.trim() ?? DEFAULT_SELLER.name,
      addressLines: e.SELLER_ADDRESS
        ? e.SELLER_ADDRESS.split(/\||\n|\\n/)
            .map((l) => l.trim())
            .filter(Boolean)
        : DEFAULT_SELLER.addressLines,
      taxId: e.SELLER_TAX_ID?.trim() ?? DEFAULT_SELLER.taxId,
      email: e.SELLER_EMAIL ?? DEFAULT_SELLER.email,
    },
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM?.trim() || "AgentBill <no-reply@agentbill.test>",
    outboundWebhooksAllowPrivate:
      e.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE === undefined
        ? dev
        : e.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE === "1" || e.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE === "true",
  };
}

export function parseClientEnv(source: Record<string, string | undefined>) {
  const parsed = clientSchema.safeParse(source);
  if (!parsed.success) throw new EnvError(describe(parsed.error));
  return { stripePublishableKey: parsed.data.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY };
}

let cached: ServerEnv | undefined;

/** The validated server environment. Throws EnvError naming every bad variable. */
export function env(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}

/** Public (browser-safe) configuration. Next inlines NEXT_PUBLIC_ variables at build time. */
export function publicEnv() {
  return parseClientEnv({ NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY });
}
