import "server-only";
import { NextRequest } from "next/server";
import { handlers } from "./next-auth";
import { safeRedirectUrl } from "./redirect";

/**
 * Auth.js's own endpoints (/api/auth/*), with what a request may say about where to go next
 * made safe first. Auth.js treats a callback URL it can't parse (`?callbackUrl=\\evil.example`,
 * or the same in its callback-url cookie) as a server misconfiguration and answers 500; here
 * the query parameter becomes a URL of this site and a bad cookie is dropped, so the answer is
 * an ordinary redirect. Anything else that escapes Auth.js is a 400, never a 500.
 */

const CALLBACK_COOKIES = new Set(["authjs.callback-url", "__Secure-authjs.callback-url"]);

function sanitized(req: NextRequest): NextRequest | null {
  const url = new URL(req.url);
  let changed = false;
  const callback = url.searchParams.get("callbackUrl");
  if (callback !== null) {
    const safe = safeRedirectUrl(callback, url.origin);
    if (safe !== callback) {
      url.searchParams.set("callbackUrl", safe);
      changed = true;
    }
  }
  const headers = new Headers(req.headers);
  const cookie = headers.get("cookie");
  if (cookie) {
    const kept = cookie
      .split(";")
      .map((c) => c.trim())
      .filter((c) => {
        const eq = c.indexOf("=");
        const name = eq < 0 ? c : c.slice(0, eq);
        if (!CALLBACK_COOKIES.has(name)) return true;
        let value = c.slice(eq + 1);
        try {
          value = decodeURIComponent(value);
        } catch {
          return false;
        }
        return safeRedirectUrl(value, url.origin) === value;
      });
    if (kept.length !== cookie.split(";").length) {
      headers.set("cookie", kept.join("; "));
      changed = true;
    }
  }
  if (!changed) return null;
  return new NextRequest(url, {
    method: req.method,
    headers,
    body: req.body,
    duplex: "half",
  } as ConstructorParameters<typeof NextRequest>[1]);
}

const MALFORMED = () =>
  Response.json(
    {
      error: {
        code: "bad_request",
        message: "This sign-in request is malformed. Start again from the sign-in page.",
      },
    },
    { status: 400 },
  );

function guarded(handler: (req: NextRequest) => Promise<Response>) {
  return async (req: NextRequest): Promise<Response> => {
    try {
      const res = await handler(sanitized(req) ?? req);
      // Auth.js answers an action it doesn't know (/api/auth/nope) with a bare "Bad request.":
      // say what to do instead, as every other route does.
      return res.status === 400 ? MALFORMED() : res;
    } catch (err) {
      console.warn("[auth] refused a request Auth.js could not handle:", err instanceof Error ? err.message : err);
      return MALFORMED();
    }
  };
}

export const GET = guarded(handlers.GET);
export const POST = guarded(handlers.POST);
