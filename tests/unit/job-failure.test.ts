import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { describeFailure } from "@/lib/jobs/failure";

/** Issue #13: a failed event's or job's error is a sentence, with the technical detail kept beside it. */
function postgresError(message: string, code: string) {
  return Object.assign(new Error(message), { name: "PostgresError", code });
}

describe("describeFailure", () => {
  it("turns drizzle's 'Failed query: <1.4 KB of SQL>' into the driver's cause as a sentence; the SQL stays in the detail", () => {
    const statement = `insert into "subscriptions" (${Array.from({ length: 90 }, (_, i) => `"column_${i}"`).join(", ")}) values (...)`;
    const err = new Error(`Failed query: ${statement}\nparams: 1,2,3`, {
      cause: postgresError("deadlock detected", "40P01"),
    });
    const d = describeFailure(err);
    expect(statement.length).toBeGreaterThan(900);
    expect(d.message).toBe("Two changes to the same rows collided (a deadlock) and the database stopped this one.");
    expect(d.detail).toContain(statement);
    expect(d.detail).toContain("code=40P01");
  });

  it("names a lost connection, Stripe being unreachable, and keeps our own sentences", () => {
    expect(
      describeFailure(Object.assign(new Error("write CONNECT_TIMEOUT"), { code: "CONNECT_TIMEOUT" })).message,
    ).toBe("The database did not answer in time.");
    expect(describeFailure(Object.assign(new Error("Connection closed"), { code: "CONNECTION_CLOSED" })).message).toBe(
      "The database connection was lost while this ran.",
    );
    const stripe = Object.assign(new Error("An error occurred with our connection to Stripe."), {
      type: "StripeConnectionError",
      requestId: "req_123",
    });
    const d = describeFailure(stripe);
    expect(d.message).toBe("Stripe could not be reached.");
    expect(d.detail).toContain("request=req_123");
    expect(describeFailure(new AppError("payment_failed", "Your card was declined.")).message).toBe(
      "Your card was declined.",
    );
    expect(describeFailure(new Error("Stripe price price_1 is not mapped to any plan")).message).toBe(
      "Stripe price price_1 is not mapped to any plan.",
    );
  });

  it("keeps a message to one line and bounds the detail", () => {
    const d = describeFailure(new Error(`first line\n${"x".repeat(10_000)}`));
    expect(d.message).toBe("first line.");
    expect(d.detail.length).toBeLessThanOrEqual(4_000);
    expect(describeFailure("a string was thrown").message).toBe("a string was thrown");
  });
});
