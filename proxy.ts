import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "@/lib/http/request-path";

/**
 * Runs before every page and route handler (not static files): tells the page which path was
 * asked for, so a signed-out visitor is sent to sign in and then back to it. Any copy of the
 * header sent by the client is replaced.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!_next/static|_next/image).*)"],
};
