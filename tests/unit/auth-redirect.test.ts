import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { safeNextPath, safeRedirectUrl } from "@/lib/auth/redirect";

const BASE = "http://localhost:3000";

describe("safeNextPath: only a path of this site", () => {
  it.each([
    ["/orgs/acme/billing", "/orgs/acme/billing"],
    ["/orgs/acme/billing/invoices?page=2#top", "/orgs/acme/billing/invoices?page=2#top"],
    ["/admin/orgs?q=acme%20robotics", "/admin/orgs?q=acme%20robotics"],
  ])("keeps %s", (input, expected) => expect(safeNextPath(input)).toBe(expected));

  it.each([
    "",
    "orgs/acme",
    "//evil.example",
    "//evil.example/orgs",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "http://localhost:3000/orgs/acme",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    "/orgs\u0000/acme",
    "/login",
    "/login?next=/login",
    "/api/auth/signout",
    "/" + "a".repeat(3000),
  ])("refuses %j", (input) => expect(safeNextPath(input)).toBe("/"));

  it("refuses non-strings", () => {
    for (const v of [undefined, null, 5, ["/orgs"], { a: 1 }]) expect(safeNextPath(v)).toBe("/");
  });

  it("never answers anything a browser would resolve to another origin (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (raw) => {
        const path = safeNextPath(raw);
        expect(path.startsWith("/")).toBe(true);
        expect(new URL(path, BASE).origin).toBe(BASE);
        expect(path.startsWith("//")).toBe(false);
        expect(path.includes("\\")).toBe(false);
      }),
      { numRuns: 500 },
    );
  }, 30_000);
});

describe("safeRedirectUrl: Auth.js's callback URLs stay on this origin and never throw", () => {
  it.each([
    ["/orgs/acme/billing", `${BASE}/orgs/acme/billing`],
    [`${BASE}/orgs/acme/billing?x=1`, `${BASE}/orgs/acme/billing?x=1`],
    ["\\\\evil.example", BASE],
    ["//evil.example", `${BASE}/`],
    ["https://evil.example/orgs", BASE],
    ["not a url", BASE],
    ["http://localhost:3001/", BASE],
  ])("%j → %j", (url, expected) => expect(safeRedirectUrl(url, BASE)).toBe(expected));

  it("answers a URL on the base origin for any input (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.webUrl()), (url) => {
        expect(new URL(safeRedirectUrl(url, BASE)).origin).toBe(BASE);
      }),
      { numRuns: 500 },
    );
  }, 30_000);
});
