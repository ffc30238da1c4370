import { GET as authGet, POST as authPost } from "@/app/api/auth/[...nextauth]/route";

/**
 * Talk to Auth.js's own endpoints (app/api/auth/[...nextauth]) the way a browser or a script
 * does: fetch a CSRF token, post the credentials form with it, keep the cookies it sets.
 * Requests go to the exported route handlers in process, with real Request/Response objects.
 */

export const ORIGIN = "http://agentbill.test";

type Handler = (req: Request, ctx: { params: Promise<Record<string, unknown>> }) => Promise<Response>;

/** A tiny cookie jar: name → value, from Set-Cookie headers (deletions included). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  constructor(from?: CookieJar) {
    if (from) for (const [k, v] of from.cookies) this.cookies.set(k, v);
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  get sessionToken(): string | undefined {
    return this.cookies.get("authjs.session-token");
  }
}

function authRequest(path: string, jar: CookieJar, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return new Request(`${ORIGIN}/api/auth/${path}`, {
    ...init,
    headers: { host: new URL(ORIGIN).host, "x-forwarded-proto": "http", cookie: jar.header(), ...init.headers },
  });
}

const call = (h: unknown, req: Request) => (h as Handler)(req, { params: Promise.resolve({}) });

export async function csrfToken(jar: CookieJar): Promise<string> {
  const res = await call(authGet, authRequest("csrf", jar));
  jar.take(res);
  const body = (await res.json()) as { csrfToken: string };
  return body.csrfToken;
}

export type SignInResult = { jar: CookieJar; status: number; location: string | null; signedIn: boolean };

/** POST /api/auth/callback/credentials with a fresh CSRF token, as the browser form would. */
export async function signInThroughAuthJs(
  email: string,
  password: string,
  opts: { jar?: CookieJar; headers?: Record<string, string>; callbackUrl?: string } = {},
): Promise<SignInResult> {
  const jar = opts.jar ?? new CookieJar();
  const token = await csrfToken(jar);
  const res = await call(
    authPost,
    authRequest("callback/credentials", jar, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...opts.headers },
      body: new URLSearchParams({ email, password, csrfToken: token, callbackUrl: opts.callbackUrl ?? "/" }).toString(),
    }),
  );
  jar.take(res);
  return { jar, status: res.status, location: res.headers.get("location"), signedIn: Boolean(jar.sessionToken) };
}

/** POST /api/auth/signout with a CSRF token: Auth.js's own sign-out. */
export async function signOutThroughAuthJs(jar: CookieJar): Promise<Response> {
  const token = await csrfToken(jar);
  const res = await call(
    authPost,
    authRequest("signout", jar, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: token, callbackUrl: "/login" }).toString(),
    }),
  );
  jar.take(res);
  return res;
}

/** GET /api/auth/session: what Auth.js says about this cookie (null when signed out). */
export async function sessionOf(jar: CookieJar): Promise<{ user?: { id?: string; email?: string } } | null> {
  const res = await call(authGet, authRequest("session", jar));
  return (await res.json()) as { user?: { id?: string; email?: string } } | null;
}

/** A request to one of our route handlers carrying this jar's cookies, from our own origin. */
export function appRequest(
  path: string,
  jar: CookieJar | null,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Request {
  return new Request(`${ORIGIN}${path}`, {
    ...init,
    headers: {
      host: new URL(ORIGIN).host,
      "x-forwarded-proto": "http",
      ...(jar ? { cookie: jar.header() } : {}),
      ...init.headers,
    },
  });
}
