import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

/**
 * A page on another port of the same host is the same *site* as the app: the browser sends the
 * admin's cookie with its form posts. It must still not be able to change anything.
 */

let attacker: http.Server;
let attackerOrigin = "";
let target = "";

test.beforeAll(async ({ baseURL }) => {
  target = `${baseURL}/api/admin/flags`;
  attacker = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    if (req.url === "/form") {
      // The classic JSON-by-text/plain trick: name={"key":…,"x":" value="} gives a JSON-looking body.
      res.end(`<!doctype html><form id="f" method="POST" action="${target}" enctype="text/plain">
        <input name='{"key":"csrf-form-flag","reason":"planted by a same-site page","x":"' value='"}'>
      </form><script>document.getElementById("f").submit()</script>`);
    } else {
      res.end(`<!doctype html><script>
        fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", credentials: "include",
          headers: { "content-type": "text/plain" },
          body: JSON.stringify({ key: "csrf-fetch-flag", reason: "planted by a same-site script" }) })
          .then(() => document.title = "sent", () => document.title = "sent");
      </script>`);
    }
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker?.close(resolve));
});

test("a same-site page's text/plain form post with the admin's cookie is refused and writes nothing", async ({
  page,
}) => {
  await signIn(page, "staff@agentbill.test");
  const answer = page.waitForResponse((r) => r.url() === target && r.request().method() === "POST");
  await page.goto(`${attackerOrigin}/form`);
  const res = await answer;
  // The cookie went along (same site): the refusal is the CSRF check, not a missing session.
  expect(res.request().headers()["cookie"] ?? (await res.request().allHeaders())["cookie"]).toContain(
    "authjs.session-token",
  );
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain("Cross-site request refused");

  const check = await page.request.get("/api/admin/flags/csrf-form-flag");
  expect(check.status()).toBe(404);
});

test("a same-site page's no-cors fetch with the admin's cookie is refused and writes nothing", async ({ page }) => {
  await signIn(page, "staff@agentbill.test");
  const answer = page.waitForResponse((r) => r.url() === target);
  await page.goto(`${attackerOrigin}/fetch`);
  expect((await answer).status()).toBe(403);
  expect((await page.request.get("/api/admin/flags/csrf-fetch-flag")).status()).toBe(404);
});
