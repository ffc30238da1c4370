import { expect, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";

export const PASSWORD = "demo-password";

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Save a screenshot of the page at desktop and phone width into tests/artifacts/screens. */
export async function screenshots(page: Page, name: string) {
  const dir = path.resolve("tests/artifacts/screens");
  fs.mkdirSync(dir, { recursive: true });
  const original = page.viewportSize();
  for (const [label, width] of [
    ["desktop", 1366],
    ["phone", 375],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `${name}-${label}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

type SinkMessage = { to: string[]; subject: string; text: string; links: string[] };

/**
 * The link to `path` (e.g. "/invite/") in the newest message to `to` (optionally with a subject
 * matching), as received by the e2e SMTP sink (scripts/test-e2e.sh); waits for it to arrive.
 */
export async function mailLink(to: string, linkPath: string, subject?: string | RegExp, timeoutMs = 20_000) {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set: run the browser tests with scripts/test-e2e.sh");
  const until = Date.now() + timeoutMs;
  for (;;) {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .reverse();
    for (const f of files) {
      const m = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as SinkMessage;
      if (!m.to.includes(to)) continue;
      if (subject && !(typeof subject === "string" ? m.subject.includes(subject) : subject.test(m.subject))) continue;
      const link = m.links.find((l) => new URL(l).pathname.startsWith(linkPath));
      if (link) return link;
    }
    if (Date.now() > until) throw new Error(`No message to ${to} with a link to ${linkPath} arrived.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Accept an invitation in a fresh browser context as a new person (name + password). */
export async function acceptInvitation(
  browser: import("@playwright/test").Browser,
  to: string,
  opts: { name?: string; password?: string } = {},
) {
  const link = await mailLink(to, "/invite/");
  const context = await browser.newContext();
  // A mail scanner fetches the link first: opening it must not use it up.
  expect((await context.request.get(link)).status()).toBe(200);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill(opts.name ?? to.split("@")[0]!);
  await page.getByLabel("Password").fill(opts.password ?? PASSWORD + "-new");
  await page.getByRole("button", { name: /^Join / }).click();
  await expect(page).toHaveURL(/\/orgs\//);
  await context.close();
}
