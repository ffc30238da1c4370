import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { STATUS_TONE, StatusBadge, type ShownStatus } from "@/components/ui/status-badge";

/**
 * The console's status badges: the words of outbound deliveries, endpoints and mail carry their
 * colour (a dead delivery was grey like a deleted endpoint). Completeness is the type's job
 * (STATUS_TONE is a Record over every shown status); this pins the meaning of the colours.
 */
const html = (status: ShownStatus) => renderToStaticMarkup(createElement(StatusBadge, { status }));

describe("StatusBadge", () => {
  it("gives trouble red, done green, waiting amber and finished-by-choice grey", () => {
    const by = (tone: string) =>
      (Object.keys(STATUS_TONE) as ShownStatus[]).filter((s) => STATUS_TONE[s] === tone).sort();
    expect(by("red")).toEqual(
      ["dead", "down", "failed", "failing", "overdue", "past_due", "suspended", "uncollectible", "unpaid"].sort(),
    );
    expect(by("green")).toEqual(["active", "enabled", "ok", "paid", "processed", "sent", "succeeded"].sort());
    expect(by("amber")).toEqual(["degraded", "disabled", "incomplete", "late", "open", "paused", "pending"].sort());
    expect(by("neutral")).toEqual(
      [
        "canceled",
        "deleted",
        "draft",
        "ignored",
        "incomplete_expired",
        "not_checked",
        "skipped",
        "void",
        "waiting",
      ].sort(),
    );
  });

  it("says the word, with spaces, in the tone's classes", () => {
    expect(html("dead")).toBe(
      renderToStaticMarkup(createElement(StatusBadge, { status: "failed" })).replace("failed", "dead"),
    );
    expect(html("not_checked")).toContain(">not checked<");
    expect(html("past_due")).toContain(">past due<");
    expect(html("enabled")).toBe(html("sent").replace(">sent<", ">enabled<"));
  });
});
