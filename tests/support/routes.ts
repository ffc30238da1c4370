import fs from "node:fs";
import path from "node:path";

/**
 * Every route handler under app/api, found on the file system (so a route added tomorrow is
 * covered by the tests that walk them), with how it authenticates, read from its source.
 */

export type Auth = "session" | "admin" | "api-key" | "cron" | "public" | "authjs" | "stripe";

export type RouteFile = {
  /** app/api/admin/orgs/[id]/resync/route.ts */
  file: string;
  /** /api/admin/orgs/[id]/resync */
  pattern: string;
  /** Dynamic segments in order: ["id"], catch-alls as "...name". */
  segments: string[];
  methods: string[];
  auth: Auth;
  load(): Promise<Record<string, unknown>>;
};

const ROOT = path.resolve(__dirname, "../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return e.name === "route.ts" ? [full] : [];
  });
}

function authOf(source: string, pattern: string): Auth {
  if (pattern.startsWith("/api/auth/")) return "authjs";
  if (/withPlatformAdmin/.test(source)) return "admin";
  if (/withOrgRole|currentUserOfRequest|getCurrentUser/.test(source)) return "session";
  if (/withApiKey/.test(source)) return "api-key";
  if (/withCron/.test(source)) return "cron";
  if (/verifyStripeWebhook|stripe-signature|receiveStripeWebhook/i.test(source)) return "stripe";
  return "public";
}

export function discoverRoutes(): RouteFile[] {
  return walk(path.join(ROOT, "app/api"))
    .sort()
    .map((full) => {
      const file = path.relative(ROOT, full);
      const source = fs.readFileSync(full, "utf8");
      const pattern =
        "/" +
        path
          .dirname(file)
          .replace(/^app\//, "")
          .replace(/\\/g, "/");
      const segments = [...pattern.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
      const exported = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:const|async function|function)\s+([A-Z]+)\b/g)) exported.add(m[1]!);
      for (const m of source.matchAll(/export\s+(?:const\s+)?\{([^}]+)\}/g))
        for (const name of m[1]!.split(","))
          exported.add(
            name
              .trim()
              .split(/\s+as\s+/)
              .pop()!
              .trim(),
          );
      return {
        file,
        pattern,
        segments,
        methods: METHODS.filter((m) => exported.has(m)),
        auth: authOf(source, pattern),
        load: () => import(/* @vite-ignore */ full) as Promise<Record<string, unknown>>,
      };
    });
}

/** Fill a pattern's segments: `/api/admin/orgs/[id]` with { id: "x" } → `/api/admin/orgs/x` (values URL-encoded). */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\[(\.\.\.)?([^\]]+)\]/g, (_m, _dots, name: string) => {
    const v = values[name] ?? values[`...${name}`] ?? "x";
    return v
      .split("/")
      .map((part) => encodeURIComponent(part))
      .join("/");
  });
}

/** What Next passes as params for those values (decoded; catch-alls as arrays). */
export function paramsFor(pattern: string, values: Record<string, string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const m of pattern.matchAll(/\[(\.\.\.)?([^\]]+)\]/g)) {
    const name = m[2]!;
    const v = values[name] ?? "x";
    out[name] = m[1] ? v.split("/") : v;
  }
  return out;
}
