import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { acceptInvitation, screenshots, signIn } from "./helpers";

/**
 * Members: invite, change role and remove (on Initech, undone by the end); the user limit on
 * Globex (read only); a member of Acme sees read-only pages, and the server refuses the form
 * posts an owner's page would send, replayed with the member's session.
 */

test.describe.configure({ timeout: 120_000 });

async function expectNoSeriousA11yViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

async function signedIn(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

/** The fields a form on the page would post, hidden server-action fields included. */
async function formFields(page: Page, testId: string): Promise<Record<string, string>> {
  return page.getByTestId(testId).evaluate((form) => {
    const out: Record<string, string> = {};
    new FormData(form as HTMLFormElement).forEach((v, k) => {
      if (typeof v === "string") out[k] = v;
    });
    return out;
  });
}

/**
 * Call the server action behind a form the way Next's client does (POST with `Next-Action` and the
 * arguments encoded as React does: the bound slug, the previous state, the FormData), from `page`
 * and so with its session. `fields` come from another user's page (formFields).
 */
async function postAction(page: Page, path: string, fields: Record<string, string>, values: Record<string, string>) {
  const ref = Object.entries(fields).find(([k]) => /^\$ACTION_\d+:0$/.test(k));
  const bound = Object.entries(fields).find(([k]) => /^\$ACTION_\d+:1$/.test(k));
  if (!ref || !bound) throw new Error("no server action on this form");
  const id = (JSON.parse(ref[1]) as { id: string }).id;
  const [slug] = JSON.parse(bound[1]) as [string];
  const form = { ...Object.fromEntries(Object.entries(fields).filter(([k]) => !k.startsWith("$ACTION"))), ...values };
  return page.evaluate(
    async ({ path, id, slug, form }) => {
      const body = new FormData();
      body.set("0", JSON.stringify([slug, null, "$K1"]));
      for (const [k, v] of Object.entries(form)) body.append(`1_${k}`, v);
      const res = await fetch(path, {
        method: "POST",
        headers: { "Next-Action": id, Accept: "text/x-component" },
        body,
      });
      return { status: res.status, body: await res.text() };
    },
    { path, id, slug, form },
  );
}

/** The same form posted without JavaScript (progressive enhancement): Next runs the action from the hidden fields. */
async function postForm(page: Page, path: string, fields: Record<string, string>, values: Record<string, string>) {
  return page.request.post(path, {
    multipart: { ...fields, ...values },
    headers: { Origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
}

test("an owner invites a member, who accepts from the email; the owner changes their role and removes them", async ({
  page,
  browser,
}) => {
  await signIn(page, "owner@initech.test");
  await page.goto("/orgs/initech/members");
  await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
  await expect(page.getByTestId("member-row")).toHaveCount(4);

  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();

  await page.getByLabel("Email").fill("samir@initech.test");
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(
    page.getByTestId("toast").filter({ hasText: "We’ve emailed samir@initech.test an invitation" }),
  ).toBeVisible();
  // Pending until accepted: listed with resend/revoke, not a member yet.
  const pending = page.getByTestId("invitation-row").filter({ hasText: "samir@initech.test" });
  await expect(pending).toBeVisible();
  await expect(page.getByTestId("member-row")).toHaveCount(4);
  await page.getByLabel("Email").fill("samir@initech.test");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByTestId("invite-error")).toContainText("samir@initech.test already has an open invitation.");
  // A refused invite keeps what was typed.
  await expect(page.getByLabel("Email")).toHaveValue("samir@initech.test");

  await acceptInvitation(browser, "samir@initech.test", { name: "samir" });
  await page.reload();
  await expect(pending).toHaveCount(0);
  const row = page.getByTestId("member-row").filter({ hasText: "samir@initech.test" });
  await expect(row).toContainText("Member");

  await page.getByLabel("Email").fill("samir@initech.test");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByTestId("invite-error")).toContainText(
    "samir@initech.test is already a member of this organization.",
  );

  await row.getByLabel("Role of samir", { exact: true }).selectOption("admin");
  await row.getByRole("button", { name: "Save role of samir" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Role updated." })).toBeVisible();
  await expect(row).toContainText("Admin");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "members-initech");

  await row.getByRole("button", { name: "Remove samir" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Remove samir?" })).toBeVisible();
  await dialog.getByRole("button", { name: "Remove member" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId("member-row")).toHaveCount(4);
});

test("at the plan's user limit, inviting is refused with the reason and a way to upgrade", async ({ page }) => {
  await signIn(page, "owner@globex.test");
  await page.goto("/orgs/globex/members");
  const limit = page.getByTestId("member-limit");
  await expect(limit).toContainText("Free includes up to 3 members and Globex has 3.");
  await expect(page.getByTestId("invite-form")).toHaveCount(0);
  await limit.getByRole("link", { name: "See plans" }).click();
  await expect(page).toHaveURL(/\/orgs\/globex\/billing\/plan$/);
  await page.goto("/orgs/globex/members");
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "members-globex-limit");
});

test("a member sees read-only plan, members and invoices pages, and the server refuses their direct posts", async ({
  browser,
}) => {
  const owner = await signedIn(browser, "owner@acme.test");
  await owner.page.goto("/orgs/acme/members");
  const invite = await formFields(owner.page, "invite-form");
  await owner.page.goto("/orgs/acme/billing/plan");
  const enterprise = await formFields(owner.page, "enterprise-form");
  // The forms carry Next's server-action fields: the same request the browser would send.
  expect(Object.keys(invite).some((k) => k.startsWith("$ACTION"))).toBe(true);
  expect(Object.keys(enterprise).some((k) => k.startsWith("$ACTION"))).toBe(true);

  // Control: the owner's own call reaches the action, which answers with the field error.
  const control = await postAction(owner.page, "/orgs/acme/members", invite, { email: "not-an-email" });
  expect(control.status).toBe(200);
  expect(control.body).toContain("Enter a valid email address.");

  const member = await signedIn(browser, "member@acme.test");
  const { page } = member;
  await page.goto("/orgs/acme/billing/plan");
  await expect(page.getByTestId("current-plan")).toHaveText("Pro");
  await expect(page.getByText("Only owners and admins can change the plan or the card.")).toBeVisible();
  for (const name of [
    /Upgrade to/,
    /Switch to/,
    /Downgrade to/,
    "Start paying through Stripe",
    "Cancel subscription",
    "Update card",
    "Add a card",
    "Send request",
  ]) {
    await expect(page.getByRole("button", { name })).toHaveCount(0);
  }
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "plan-acme-member");

  await page.goto("/orgs/acme/members");
  await expect(page.getByTestId("member-row")).toHaveCount(6);
  await expect(page.getByTestId("invite-form")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^(Save role|Remove)/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
  await screenshots(page, "members-acme-member");

  await page.goto("/orgs/acme/billing/invoices");
  await expect(page.getByTestId("invoice-row").first()).toBeVisible();

  // The member replays the owner's forms: the server refuses (403 for the JS call; the no-JS
  // form post renders Next's not-found page, as Next does for any access error in a form post).
  const intruder = { email: "intruder@evil.test", role: "owner" };
  expect((await postAction(page, "/orgs/acme/members", invite, intruder)).status).toBe(403);
  expect([403, 404]).toContain((await postForm(page, "/orgs/acme/members", invite, intruder)).status());
  const request = { message: "A member should not be able to send this request." };
  expect((await postAction(page, "/orgs/acme/billing/plan", enterprise, request)).status).toBe(403);
  expect([403, 404]).toContain((await postForm(page, "/orgs/acme/billing/plan", enterprise, request)).status());

  // Nothing happened: no new member, no request on the owner's page.
  await owner.page.goto("/orgs/acme/members");
  await expect(owner.page.getByTestId("member-row")).toHaveCount(6);
  await expect(owner.page.getByText("intruder@evil.test")).toHaveCount(0);
  await owner.page.goto("/orgs/acme/billing/plan");
  await expect(owner.page.getByTestId("enterprise-request")).toHaveCount(0);
  await owner.context.close();
  await member.context.close();
});
