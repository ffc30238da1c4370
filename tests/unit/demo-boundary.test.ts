import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseServerEnv } from "@/lib/env";

/**
 * The demo (demo/: seed, history, the emulator link, the login page's accounts) stands apart from
 * the product: nothing in app/, lib/ or db/ imports it, but one loader that imports it
 * dynamically, and only when demo data is on (development, or SEED_DEMO=1 / --demo).
 */

const ROOT = path.resolve(__dirname, "../..");

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|tsx)$/.test(e.name) ? [rel] : [];
  });
}

const product = ["app", "lib", "db"].flatMap(sources);
const DEMO_SPECIFIER = /["'](?:@\/demo|(?:\.\.\/)+demo)(?:\/[^"']*)?["']/;

describe("demo/ apart from the product", () => {
  it("demo/ holds the seed, the history generator, the emulator link and the login accounts", () => {
    for (const f of ["demo/index.ts", "demo/seed.ts", "demo/history.ts", "demo/link.ts", "demo/accounts.ts"])
      expect(fs.existsSync(path.join(ROOT, f)), f).toBe(true);
    expect(fs.existsSync(path.join(ROOT, "db/seed.ts"))).toBe(false);
    expect(fs.existsSync(path.join(ROOT, "lib/billing/demo-link.ts"))).toBe(false);
  });

  it("no file in app/, lib/ or db/ imports demo/ statically", () => {
    const offenders = product.filter((f) => {
      const src = fs.readFileSync(path.join(ROOT, f), "utf8");
      return src
        .split("\n")
        .some((line) => /^\s*(import|export)\b/.test(line) && !/\bimport\(/.test(line) && DEMO_SPECIFIER.test(line));
    });
    expect(offenders).toEqual([]);
  });

  it("one file loads it, with one dynamic import", () => {
    const loaders = product.filter((f) =>
      /\bimport\(\s*["'](?:@\/demo|(?:\.\.\/)+demo)/.test(fs.readFileSync(path.join(ROOT, f), "utf8")),
    );
    expect(loaders).toEqual(["lib/server/demo.ts"]);
  });

  it("db/ imports only db/, lib/env and the plan catalog sync (lib/plans/sync): tables, not the demo or the domain", () => {
    const imports = sources("db").flatMap((f) =>
      [...fs.readFileSync(path.join(ROOT, f), "utf8").matchAll(/from\s+["'](@\/[^"']+)["']/g)].map((m) => m[1]!),
    );
    expect(imports.filter((i) => !/^@\/(db\/|lib\/env$|lib\/plans\/sync$)/.test(i))).toEqual([]);
  });
});

describe("demo mode", () => {
  const PROD = {
    NODE_ENV: "production",
    AUTH_SECRET: "a".repeat(32),
    CRON_SECRET: "c".repeat(32),
    STRIPE_WEBHOOK_SECRET: `whsec_${"w".repeat(32)}`,
  };
  it("is on in development, off in test and production unless asked for", () => {
    expect(parseServerEnv({}).demo).toBe(true);
    expect(parseServerEnv({ NODE_ENV: "development", SEED_DEMO: "0" }).demo).toBe(false);
    expect(parseServerEnv({ NODE_ENV: "test" }).demo).toBe(false);
    expect(parseServerEnv(PROD).demo).toBe(false);
    expect(parseServerEnv({ ...PROD, SEED_DEMO: "1" }).demo).toBe(true);
    expect(parseServerEnv({ ...PROD, SEED_DEMO: "true" }).demo).toBe(true);
  });
});
