import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { contentSecurityPolicy, requestIsHttps, securityHeaders } from "@/lib/http/security-headers";
import { proxy } from "@/proxy";

describe("security headers", () => {
  it("pages: a nonce with strict-dynamic, no framing, no plugins, forms and base only to ourselves", () => {
    const csp = contentSecurityPolicy({ kind: "page", nonce: "abc123", https: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-src 'none'");
    expect(csp).not.toContain("stripe.com");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("allows Stripe's Payment Element origins only with a publishable key", () => {
    const csp = contentSecurityPolicy({ kind: "page", nonce: "n", https: true, stripe: true });
    expect(csp).toMatch(/script-src [^;]*https:\/\/js\.stripe\.com/);
    expect(csp).toMatch(/frame-src [^;]*https:\/\/js\.stripe\.com [^;]*https:\/\/hooks\.stripe\.com/);
    expect(csp).toMatch(/connect-src [^;]*https:\/\/api\.stripe\.com/);
    expect(securityHeaders({ kind: "page", https: true, stripe: true })["permissions-policy"]).toContain(
      'payment=(self "https://js.stripe.com")',
    );
    expect(securityHeaders({ kind: "page", https: true })["permissions-policy"]).toContain("payment=()");
  });

  it("development adds only what next dev needs", () => {
    const csp = contentSecurityPolicy({ kind: "page", nonce: "n", https: false, dev: true });
    expect(csp).toContain("'unsafe-eval'");
    expect(csp).toMatch(/connect-src 'self' ws: wss:/);
  });

  it("APIs: nothing may load or frame them", () => {
    expect(contentSecurityPolicy({ kind: "api", https: false })).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it("every answer: no framing, no sniffing, a referrer policy, HSTS only over https", () => {
    const plain = securityHeaders({ kind: "api", https: false });
    expect(plain).toMatchObject({
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
    expect(plain["strict-transport-security"]).toBeUndefined();
    expect(securityHeaders({ kind: "page", https: true })["strict-transport-security"]).toBe(
      "max-age=63072000; includeSubDomains",
    );
  });

  it("tells https from the forwarded protocol (kept only from trusted proxies), the URL or APP_URL", () => {
    expect(requestIsHttps(new Headers({ "x-forwarded-proto": "https" }), "http://x/")).toBe(true);
    expect(requestIsHttps(new Headers({ "x-forwarded-proto": "http" }), "http://x/", "https://app.example")).toBe(
      false,
    );
    expect(requestIsHttps(new Headers(), "https://x/")).toBe(true);
    expect(requestIsHttps(new Headers(), "http://x/", "https://app.example")).toBe(true);
    expect(requestIsHttps(new Headers(), "http://x/")).toBe(false);
  });
});

describe("proxy.ts", () => {
  it("gives each page its own nonce, in the request's CSP (for Next) and the answer's", () => {
    const a = proxy(new NextRequest("http://localhost:3000/orgs/acme/billing"));
    const b = proxy(new NextRequest("http://localhost:3000/orgs/acme/billing"));
    const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    const na = nonceOf(a.headers.get("content-security-policy"));
    expect(na).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(na).not.toBe(nonceOf(b.headers.get("content-security-policy")));
    // Next reads the nonce from the request headers it forwards (x-middleware-request-*).
    expect(a.headers.get("x-middleware-request-content-security-policy")).toContain(`'nonce-${na}'`);
    expect(a.headers.get("x-middleware-request-x-agentbill-path")).toBe("/orgs/acme/billing");
    expect(a.headers.get("x-frame-options")).toBe("DENY");
  });

  it("replaces a client's own copy of the path and nonce headers", () => {
    const res = proxy(
      new NextRequest("http://localhost:3000/login?next=/x", {
        headers: { "x-agentbill-path": "//evil.example", "x-nonce": "chosen", "content-security-policy": "none" },
      }),
    );
    expect(res.headers.get("x-middleware-request-x-agentbill-path")).toBe("/login?next=/x");
    expect(res.headers.get("x-middleware-request-x-nonce")).not.toBe("chosen");
    expect(res.headers.get("x-middleware-request-content-security-policy")).not.toBe("none");
  });

  it("APIs get the API policy and HSTS when the request came over https", () => {
    const res = proxy(
      new NextRequest("http://localhost:3000/api/health", { headers: { "x-forwarded-proto": "https" } }),
    );
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });
});
