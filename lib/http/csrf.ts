import { AppError } from "@/lib/errors";

/**
 * Cross-site request forgery defence for routes a browser's cookie authenticates.
 *
 * A state-changing request (anything but GET, HEAD, OPTIONS) must
 * - say `Content-Type: application/json`: an HTML form can only send urlencoded, multipart or
 *   text/plain bodies, and a cross-origin script can't send JSON without a CORS preflight we
 *   never grant;
 * - come from this site: its `Origin` is our own origin (the request's, or APP_URL's), or, when a
 *   browser sent no Origin, `Sec-Fetch-Site: same-origin`. A same-site page on another port or
 *   subdomain (which carries our cookies) is refused, and so is a request that proves neither.
 * Scripts with a bearer key (the platform API, cron) don't go through this: no cookie, no CSRF.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/** The origins this request may legitimately come from: its own, and the configured public one. */
export function ownOrigins(req: Request, appUrl?: string): Set<string> {
  const origins = new Set<string>();
  const own = originOf(req.url);
  if (own) origins.add(own);
  const forwardedHost = req.headers.get("x-forwarded-host");
  if (forwardedHost && own) {
    const proto = req.headers.get("x-forwarded-proto") ?? new URL(own).protocol.replace(":", "");
    const viaProxy = originOf(`${proto}://${forwardedHost.split(",")[0]!.trim()}`);
    if (viaProxy) origins.add(viaProxy);
  }
  const configured = originOf(appUrl);
  if (configured) origins.add(configured);
  return origins;
}

/** Throws unless a cookie-authenticated, state-changing request is same-origin JSON. */
export function assertSameOriginJson(req: Request, appUrl?: string): void {
  if (!isStateChanging(req.method)) return;
  const origin = req.headers.get("origin");
  if (origin !== null) {
    if (!ownOrigins(req, appUrl).has(origin)) {
      throw new AppError(
        "forbidden",
        `Cross-site request refused: this request came from ${origin === "null" ? "an opaque origin" : origin}, not from this site.`,
      );
    }
  } else if (req.headers.get("sec-fetch-site") !== "same-origin") {
    throw new AppError(
      "forbidden",
      "Cross-site request refused: send an Origin header with this site's origin (browsers do this for you).",
    );
  }
  if (mediaType(req.headers.get("content-type")) !== "application/json") {
    throw new AppError("unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
  }
}
