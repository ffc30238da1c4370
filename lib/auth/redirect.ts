/**
 * Where to send someone after signing in: only a path of this site. A callback that names
 * another origin, a protocol-relative `//host`, a backslash (`/\host`, which browsers read as
 * `//host`), control characters or anything unparsable falls back to the home page, so a link
 * can never use our sign-in to send people elsewhere (an open redirect).
 */

const INTERNAL = "http://agentbill.internal";

/** A same-origin path (`/orgs/acme/billing?range=90d`), or "/" when `raw` is not one. */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//")) return "/";
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, INTERNAL);
  } catch {
    return "/";
  }
  if (url.origin !== INTERNAL) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Back to the sign-in page itself would only loop.
  if (url.pathname === "/login" || url.pathname.startsWith("/api/auth")) return "/";
  return path;
}

/**
 * Auth.js's redirect callback: `url` is the callback URL a request asked for (relative or
 * absolute), `baseUrl` this site's origin. Answers an absolute URL on `baseUrl`.
 */
export function safeRedirectUrl(url: unknown, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  if (typeof url !== "string") return base;
  if (url.startsWith("/")) return base + safeNextPath(url);
  try {
    const target = new URL(url);
    if (target.origin !== new URL(base).origin) return base;
    return base + safeNextPath(`${target.pathname}${target.search}${target.hash}`);
  } catch {
    return base;
  }
}
