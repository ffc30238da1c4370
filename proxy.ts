import { NextResponse, type NextRequest } from "next/server";
import { env, publicEnv } from "@/lib/env";
import { REQUEST_PATH_HEADER } from "@/lib/http/request-path";
import { applySecurityHeaders, newNonce, requestIsHttps } from "@/lib/http/security-headers";

/**
 * Runs before every page and route handler (not Next's static files):
 * - security headers on the answer (lib/http/security-headers.ts, the same function the server
 *   front uses for what it serves itself), with a fresh CSP nonce for pages: Next reads it from
 *   the request's Content-Security-Policy and puts it on its own scripts;
 * - the path asked for, so a signed-out visitor is sent to sign in and then back to it.
 * Any copy of these request headers sent by the client is replaced.
 */
export function proxy(request: NextRequest) {
  const isPage = !request.nextUrl.pathname.startsWith("/api/");
  const e = env();
  const options = {
    kind: isPage ? ("page" as const) : ("api" as const),
    nonce: isPage ? newNonce() : undefined,
    https: requestIsHttps(request.headers, request.url, e.appUrl),
    dev: e.nodeEnv === "development",
    stripe: Boolean(publicEnv().stripePublishableKey),
  };
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.delete("x-nonce");
  if (isPage) {
    const policy = new Headers();
    applySecurityHeaders(policy, options);
    headers.set("content-security-policy", policy.get("content-security-policy")!);
    headers.set("x-nonce", options.nonce!);
  } else {
    headers.delete("content-security-policy");
  }
  const response = NextResponse.next({ request: { headers } });
  applySecurityHeaders(response.headers, options);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image).*)"],
};
