import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/connect";
import { DEMO_API_KEY, DEMO_PASSWORD } from "@/demo";
import { createTestDatabase } from "../support/db";

/**
 * The server's start-up function (lib/server/startup.ts, what instrumentation.ts runs when
 * `npm start` boots) in a real child process with a production environment: each missing
 * secret stops it with exit code 1 and a line naming the variable; with all three it starts.
 */

let database: (Database & { url: string | null }) | undefined;

beforeAll(async () => {
  database = await createTestDatabase({ max: 1 });
});
afterAll(async () => {
  await database?.close();
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
});

const DATA_DIR = `/tmp/agentbill-prod-start-${process.pid}`;
const SECRETS = {
  AUTH_SECRET: "p".repeat(40),
  CRON_SECRET: "q".repeat(40),
  STRIPE_WEBHOOK_SECRET: `whsec_${"r".repeat(32)}`,
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const SCRIPT = `
import("./lib/server/startup.ts").then(async (m) => {
  await m.startServer();
  console.log("STARTED");
  process.exit(0);
});`;

async function start(env: Record<string, string | undefined>): Promise<{ code: number | null; out: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AUTH_|CRON_|STRIPE_|DATABASE_URL|APP_URL|NEXT_)/.test(k)),
  );
  const child = spawn("./node_modules/.bin/tsx", ["--conditions=react-server", "-e", SCRIPT], {
    env: {
      ...clean,
      NODE_ENV: "production",
      DATA_DIR,
      STRIPE_EMULATOR_PORT: String(await freePort()),
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      ...env,
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, out };
}

describe("production start-up refuses to run without its secrets", () => {
  it.each(Object.keys(SECRETS))("without %s: exit 1, naming it", async (name) => {
    const { code, out } = await start({ ...SECRETS, [name]: undefined });
    expect(code).toBe(1);
    expect(out).toContain(`${name} is required in production`);
    expect(out).not.toContain("STARTED");
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("with all three it starts", async () => {
    const { code, out } = await start(SECRETS);
    expect(out).toContain("STARTED");
    expect(code).toBe(0);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))("demo data stays off: no warning, no demo organization", async () => {
    const { code, out } = await start(SECRETS);
    expect(code).toBe(0);
    expect(out).not.toContain("demo data is on");
    expect(out).not.toContain("Demo data:");
  });

  it.runIf(Boolean(process.env.DATABASE_URL))(
    "with SEED_DEMO=1 it starts and warns, naming the demo password and key",
    async () => {
      const { code, out } = await start({ ...SECRETS, SEED_DEMO: "1" });
      expect(out).toContain("STARTED");
      expect(code).toBe(0);
      expect(out).toContain("WARNING: demo data is on in production (SEED_DEMO=1)");
      expect(out).toContain(DEMO_PASSWORD);
      expect(out).toContain(DEMO_API_KEY);
    },
  );
});
