import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { eventTimeProblem, MAX_AGE_MS, MAX_FUTURE_MS, parseUsageBatch } from "@/lib/usage/validate";

const now = new Date("2026-11-24T12:00:00Z");
const ok = (over: Record<string, unknown> = {}) => ({
  idempotency_key: "k",
  metric: "executions",
  quantity: 1,
  occurred_at: "2026-11-24T11:00:00Z",
  ...over,
});
function issuesOf(body: unknown) {
  try {
    parseUsageBatch(body, now);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return ((e as AppError).details?.issues ?? []) as { index: number; message: string }[];
  }
  throw new Error("expected the batch to be refused");
}

describe("timestamp window", () => {
  it("accepts 35 days back to 5 minutes ahead, inclusive", () => {
    expect(eventTimeProblem(new Date(now.getTime() - MAX_AGE_MS), now)).toBeNull();
    expect(eventTimeProblem(new Date(now.getTime() + MAX_FUTURE_MS), now)).toBeNull();
    expect(eventTimeProblem(now, now)).toBeNull();
  });

  it("refuses older than 35 days and more than 5 minutes ahead, saying which", () => {
    expect(eventTimeProblem(new Date(now.getTime() - MAX_AGE_MS - 1), now)).toMatch(/more than 35 days old/);
    expect(eventTimeProblem(new Date(now.getTime() + MAX_FUTURE_MS + 1), now)).toMatch(/5 minutes in the future/);
    expect(eventTimeProblem(new Date("nope"), now)).toMatch(/not a valid time/);
  });

  it("reads timestamps with an offset", () => {
    const [e] = parseUsageBatch([ok({ occurred_at: "2026-11-24T13:30:00+02:00" })], now);
    expect(e!.occurredAt.toISOString()).toBe("2026-11-24T11:30:00.000Z");
    expect(issuesOf([ok({ occurred_at: "2026-11-24 11:00" })])[0]!.message).toMatch(/ISO 8601/);
  });
});

describe("batch rules", () => {
  it("takes quantity for counters and value for gauges (either is accepted), never both", () => {
    const events = parseUsageBatch(
      { events: [ok(), ok({ idempotency_key: "g", metric: "agents", quantity: undefined, value: 4 })] },
      now,
    );
    expect(events.map((e) => [e.metric, e.quantity])).toEqual([
      ["executions", 1],
      ["agents", 4],
    ]);
    expect(issuesOf([ok({ value: 2 })])[0]!.message).toMatch(/either quantity or value/);
  });

  it("refuses negative, fractional, non-numeric and huge counter quantities", () => {
    expect(issuesOf([ok({ quantity: -1 })])[0]!.message).toMatch(/must not be negative/);
    expect(issuesOf([ok({ quantity: 0.5 })])[0]!.message).toMatch(/whole number/);
    expect(issuesOf([ok({ quantity: "3" })])[0]!.message).toMatch(/whole number/);
    expect(issuesOf([ok({ quantity: 2e9 })])[0]!.message).toMatch(/too large/);
  });

  it("gives one message per bad event, joining several problems of one event", () => {
    const issues = issuesOf([
      ok(),
      ok({ idempotency_key: "b", metric: "agentz", occurred_at: "2020-01-01T00:00:00Z" }),
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.index).toBe(1);
    expect(issues[0]!.message).toMatch(/unknown metric "agentz".*35 days old/);
  });

  it("refuses unknown fields of an event (named by path, before its other problems) and of the batch", () => {
    const { occurred_at, ...rest } = ok();
    expect(issuesOf([ok(), { ...rest, occuredAt: occurred_at }])).toEqual([
      {
        index: 1,
        idempotency_key: "k",
        message: expect.stringMatching(
          /^events\[1\]\.occuredAt: is not a field here \(check its spelling\)\. occurred_at/,
        ),
      },
    ]);
    expect(() => parseUsageBatch({ events: [ok()], Events: [] }, now)).toThrow(
      "Invalid request body: Events: is not a field here (check its spelling).",
    );
    // Every documented field, gauges' value included, is known.
    expect(
      parseUsageBatch([ok(), ok({ idempotency_key: "g", metric: "agents", quantity: undefined, value: 2 })], now),
    ).toHaveLength(2);
  });

  it("refuses a key repeated inside one batch", () => {
    expect(issuesOf([ok(), ok()])).toEqual([
      { index: 1, idempotency_key: "k", message: expect.stringMatching(/repeats event #0/) },
    ]);
  });

  it("refuses empty and oversize batches and non-batches with one message", () => {
    for (const [body, re] of [
      [{ events: [] }, /empty/],
      [{ events: Array.from({ length: 1_001 }, (_, i) => ok({ idempotency_key: `k${i}` })) }, /at most 1,000/],
      [null, /JSON object/],
      [{}, /array/],
    ] as const) {
      expect(() => parseUsageBatch(body, now)).toThrow(re);
    }
    expect(
      parseUsageBatch({ events: Array.from({ length: 1_000 }, (_, i) => ok({ idempotency_key: `k${i}` })) }, now),
    ).toHaveLength(1_000);
  });
});

describe("the plain-event path (checked without zod) decides as the schema does", () => {
  // The schema's rules for these fields, written out here as the reference.
  const reference = z.object({
    idempotency_key: z.string().min(1).max(200),
    metric: z.string(),
    occurred_at: z.iso.datetime({ offset: true }),
  });
  const time = fc.oneof(
    fc.date({ min: new Date(now.getTime() - MAX_AGE_MS), max: now, noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom(
      "2026-11-24T11:00:00Z",
      "2026-11-24T11:00:00+01:00",
      "2026-11-24T11:00:00.123456+00:00",
      "2026-11-24T11:00:00",
      "2026-11-24 11:00:00Z",
      "2026-11-24T11:00Z",
      "2026-11-24T24:00:00Z",
      "2026-11-31T11:00:00Z",
      "2026-11-24T11:00:00+0100",
      "2026-11-24t11:00:00z",
      "",
    ),
    fc.string(),
  );
  const key = fc.oneof(fc.string({ minLength: 0, maxLength: 210 }), fc.integer(), fc.constant(null));
  const event = fc.record(
    { idempotency_key: key, metric: fc.constantFrom("executions", 3, "users"), occurred_at: time, quantity: fc.nat(5) },
    { requiredKeys: ["metric", "quantity"] },
  );

  it("accepts exactly the events the schema accepts (and are in the window), with the same values", () => {
    fc.assert(
      fc.property(event, (e) => {
        const schemaOk =
          reference.safeParse(e).success &&
          e.metric === "executions" &&
          eventTimeProblem(new Date(e.occurred_at as string), now) === null;
        let parsed: ReturnType<typeof parseUsageBatch> | null = null;
        try {
          parsed = parseUsageBatch({ events: [e] }, now);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).status).toBe(400);
        }
        expect(parsed !== null).toBe(schemaOk);
        if (parsed)
          expect(parsed).toEqual([
            {
              key: e.idempotency_key,
              metric: "executions",
              quantity: e.quantity,
              occurredAt: new Date(e.occurred_at!),
            },
          ]);
      }),
      { numRuns: 2000 },
    );
  });
});
