import { describe, expect, it } from "vitest";
import { EnvError, parseClientEnv, parseServerEnv } from "@/lib/env";

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

  it("requires an auth secret in production", () => {
    expect(() => parseServerEnv({ NODE_ENV: "production" })).toThrow(/AUTH_SECRET is required in production/);
    const e = parseServerEnv({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(32) });
    expect(e.authSecret).toBe("x".repeat(32));
  });

  it("requires the webhook secret with a real Stripe key in production", () => {
    expect(() =>
      parseServerEnv({ NODE_ENV: "production", AUTH_SECRET: "x".repeat(32), STRIPE_SECRET_KEY: "sk_live_abc" }),
    ).toThrow(/STRIPE_WEBHOOK_SECRET is required/);
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
