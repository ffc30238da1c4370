import { describe, expect, it } from "vitest";
import { json } from "@/lib/http/json";

describe("json()", () => {
  it("answers the value as JSON with the given status and headers", async () => {
    const res = json({ received: true }, { status: 202, headers: { "x-request-id": "r1" } });
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-request-id")).toBe("r1");
    expect(await res.json()).toEqual({ received: true });
  });

  it("marks small bodies no-transform so they are not gzipped, keeping any cache policy", () => {
    expect(json({ ok: 1 }).headers.get("cache-control")).toBe("no-transform");
    expect(json({ ok: 1 }, { headers: { "cache-control": "no-store" } }).headers.get("cache-control")).toBe(
      "no-store, no-transform",
    );
  });

  it("leaves large bodies to the compression step", () => {
    const res = json({ rows: Array.from({ length: 200 }, (_, i) => ({ i, name: `row ${i}` })) });
    expect(res.headers.get("cache-control")).toBeNull();
  });
});
