/**
 * The security headers of every answer, pages and APIs alike, in one function that every front
 * calls: proxy.ts for what Next serves, and the server front for what it serves itself.
 *
 * - Content-Security-Policy: pages get a per-request nonce (Next puts it on its own scripts when
 *   it finds it in the request's CSP) with 'strict-dynamic', so only our scripts and what they
 *   load run; Stripe's origins are allowed only when a publishable key is configured (its
 *   Payment Element runs in Stripe's frames). JSON, CSV and PDF answers get `default-src 'none'`.
 * - Framing is refused (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), MIME sniffing
 *   is off, the referrer never carries our paths to other sites, powerful browser features are
 *   off, and HSTS is sent when the request came over https.
 */

export type SecurityHeaderOptions = {
  /** "page" for HTML documents (CSP with the nonce), "api" for everything else. */
  kind: "page" | "api";
  /** The request's nonce (pages). */
  nonce?: string;
  /** The request arrived over https (directly or from a trusted proxy): send HSTS. */
  https: boolean;
  /** `next dev`: React needs eval for its debugging aids, and hot reload a websocket. */
  dev?: boolean;
  /** A Stripe publishable key is configured: Stripe.js and its frames may load. */
  stripe?: boolean;
};

const STRIPE = {
  script: ["https://js.stripe.com", "https://*.js.stripe.com"],
  frame: ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
  connect: ["https://api.stripe.com", "https://m.stripe.network", "https://q.stripe.com"],
  img: ["https://*.stripe.com"],
};

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(opts: SecurityHeaderOptions): string {
  if (opts.kind === "api") return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  const nonce = opts.nonce ? `'nonce-${opts.nonce}'` : "";
  const stripe = opts.stripe ?? false;
  const directives: [string, string[]][] = [
    ["default-src", ["'self'"]],
    [
      "script-src",
      ["'self'", nonce, "'strict-dynamic'", ...(opts.dev ? ["'unsafe-eval'"] : []), ...(stripe ? STRIPE.script : [])],
    ],
    // Our stylesheets are files; React's `style={…}` attributes (charts, bars) need inline attributes.
    ["style-src", ["'self'", opts.dev ? "'unsafe-inline'" : nonce]],
    ["style-src-attr", ["'unsafe-inline'"]],
    ["img-src", ["'self'", "data:", "blob:", ...(stripe ? STRIPE.img : [])]],
    ["font-src", ["'self'"]],
    ["connect-src", ["'self'", ...(opts.dev ? ["ws:", "wss:"] : []), ...(stripe ? STRIPE.connect : [])]],
    ["frame-src", stripe ? STRIPE.frame : ["'none'"]],
    ["worker-src", ["'self'", "blob:"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]],
    ["form-action", ["'self'"]],
    ["frame-ancestors", ["'none'"]],
  ];
  const policy = directives.map(([name, values]) => `${name} ${values.filter(Boolean).join(" ")}`);
  if (opts.https) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

/** Every security header of one answer, by name (lower case). */
export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy": contentSecurityPolicy(opts),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": [
      "camera=()",
      "microphone=()",
      "geolocation=()",
      "usb=()",
      "browsing-topics=()",
      // Stripe's Payment Element offers wallets (Payment Request API) from its frame.
      opts.stripe ? 'payment=(self "https://js.stripe.com")' : "payment=()",
    ].join(", "),
    "cross-origin-opener-policy": "same-origin-allow-popups",
  };
  if (opts.https) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/** Set them on a Headers object (a response's), replacing any earlier value. */
export function applySecurityHeaders(target: Headers, opts: SecurityHeaderOptions): void {
  for (const [name, value] of Object.entries(securityHeaders(opts))) target.set(name, value);
}

/** Did this request come over https? Forwarding headers only survive from trusted proxies. */
export function requestIsHttps(headers: Pick<Headers, "get">, url: string, appUrl?: string): boolean {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (proto) return proto === "https";
  if (url.startsWith("https:")) return true;
  return Boolean(appUrl?.startsWith("https:"));
}
