import { describe, expect, it } from "vitest";
import { DEV_CRON_SECRET, DEV_WEBHOOK_SECRET, EnvError, parseClientEnv, parseServerEnv } from "@/lib/env";

describe("environment", () => {
  it("runs a fresh clone in development with no variables at all", () => {
    const e = parseServerEnv({});
    expect(e.nodeEnv).toBe("development");
    expect(e.databaseUrl).toBeUndefined();
    expect(e.dataDir).toBe(".data");
    expect(e.useStripeEmulator).toBe(true);
    expect(e.stripeEmulatorPort).toBe(12111);
    expect(e.stripeWebhookSecret).toMatch(/^whsec_/);
    expect(e.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(e.dunningGraceDays).toBe(14);
  });

  it("treats empty strings as unset", () => {
    expect(parseServerEnv({ DATABASE_URL: "  ", STRIPE_SECRET_KEY: "" }).databaseUrl).toBeUndefined();
  });

  it("names each malformed variable", () => {
    try {
      parseServerEnv({ DATABASE_URL: "mysql://x", STRIPE_EMULATOR_PORT: "99999", STRIPE_SECRET_KEY: "pk_test_123" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const msg = (err as EnvError).message;
      expect(msg).toContain("DATABASE_URL must be a postgres://");
      expect(msg).toContain("STRIPE_EMULATOR_PORT");
      expect(msg).toContain("STRIPE_SECRET_KEY must look like sk_test_");
    }
  });

  const PROD = {
    NODE_ENV: "production",
    AUTH_SECRET: "a".repeat(32),
    CRON_SECRET: "c".repeat(32),
    STRIPE_WEBHOOK_SECRET: `whsec_${"w".repeat(32)}`,
  };
  const problems = (source: Record<string, string | undefined>) => {
    try {
      parseServerEnv(source);
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      return (err as EnvError).problems;
    }
  };

  it("starts in production with its three secrets, and uses them", () => {
    const e = parseServerEnv(PROD);
    expect(e.authSecret).toBe(PROD.AUTH_SECRET);
    expect(e.cronSecret).toBe(PROD.CRON_SECRET);
    expect(e.stripeWebhookSecret).toBe(PROD.STRIPE_WEBHOOK_SECRET);
    expect(e.useStripeEmulator).toBe(true);
  });

  it.each(["AUTH_SECRET", "CRON_SECRET", "STRIPE_WEBHOOK_SECRET"] as const)(
    "refuses production without %s, naming it (also with the emulator, also blank)",
    (name) => {
      for (const value of [undefined, "", "   "]) {
        const found = problems({ ...PROD, [name]: value });
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(new RegExp(`^${name} is required in production`));
      }
    },
  );

  it("names every missing secret at once", () => {
    const found = problems({ NODE_ENV: "production" });
    expect(found.map((p) => p.split(" ")[0])).toEqual(["AUTH_SECRET", "CRON_SECRET", "STRIPE_WEBHOOK_SECRET"]);
  });

  it("refuses the published development values and short secrets in production", () => {
    expect(problems({ ...PROD, CRON_SECRET: DEV_CRON_SECRET })[0]).toMatch(
      /^CRON_SECRET is the public development value/,
    );
    expect(problems({ ...PROD, STRIPE_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET })[0]).toMatch(
      /^STRIPE_WEBHOOK_SECRET is the public development value/,
    );
    expect(problems({ ...PROD, CRON_SECRET: "c".repeat(31) })[0]).toMatch(
      /^CRON_SECRET must be at least 32 characters/,
    );
    expect(problems({ ...PROD, STRIPE_WEBHOOK_SECRET: "whsec_short" })[0]).toMatch(
      /^STRIPE_WEBHOOK_SECRET must be at least 32 characters/,
    );
    expect(problems({ ...PROD, AUTH_SECRET: "a".repeat(31) })[0]).toMatch(/^AUTH_SECRET must be at least 32/);
  });

  it("requires the webhook secret with a real Stripe key in production", () => {
    expect(problems({ ...PROD, STRIPE_SECRET_KEY: "sk_live_abc", STRIPE_WEBHOOK_SECRET: undefined })[0]).toMatch(
      /^STRIPE_WEBHOOK_SECRET is required in production \(copy it from the Stripe dashboard/,
    );
  });

  it("keeps development's and tests' zero-setup defaults", () => {
    for (const NODE_ENV of ["development", "test"]) {
      const e = parseServerEnv({ NODE_ENV });
      expect(e.cronSecret).toBe(DEV_CRON_SECRET);
      expect(e.stripeWebhookSecret).toBe(DEV_WEBHOOK_SECRET);
    }
  });

  it("accepts a Stripe test key and switches the emulator off", () => {
    const e = parseServerEnv({ STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_x" });
    expect(e.useStripeEmulator).toBe(false);
    expect(e.stripeWebhookSecret).toBe("whsec_x");
  });

  it("validates the publishable key", () => {
    expect(parseClientEnv({}).stripePublishableKey).toBeUndefined();
    expect(() => parseClientEnv({ NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: "sk_test_1" })).toThrow(/pk_test_/);
  });
});
