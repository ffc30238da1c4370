import { describe, expect, it } from "vitest";
import { alertText } from "@/components/dashboard/format";

/** The dashboard's usage alerts: "over" when the use is past the limit, never "reached … (2 of 1)". */
describe("alertText", () => {
  const base = { metric: "gateways", thresholdPercent: 100, used: 1, limit: 1 };

  it("says reached when the use is at the limit", () => {
    expect(alertText(base, "en-US")).toEqual({
      badge: "Limit reached",
      text: "Gateways reached the limit (1 of 1)",
      over: false,
    });
  });

  it("says over when the use is past the limit", () => {
    expect(alertText({ ...base, used: 2 }, "en-US")).toEqual({
      badge: "Over the limit",
      text: "Gateways went over the limit (2 of 1)",
      over: true,
    });
    expect(alertText({ ...base, metric: "executions", used: 10_250, limit: 10_000 }, "en-US").text).toBe(
      "Executions went over the limit (10,250 of 10,000)",
    );
  });

  it("says the share for the early warning, and storage in bytes", () => {
    expect(
      alertText({ metric: "storage_bytes", thresholdPercent: 80, used: 850_000_000, limit: 1_000_000_000 }, "en-US"),
    ).toEqual({
      badge: "80%",
      text: "Storage reached 80% of the limit (850 MB of 1 GB)",
      over: false,
    });
  });
});
