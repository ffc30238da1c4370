import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineAction, formInput, splitArguments, type Refresh } from "@/lib/http/action-chain";

/** The chain every server action runs, with a guard and effects of the test's own. */

class Stopped extends Error {}

function harness(opts: { allow?: (bound: string[]) => boolean } = {}) {
  const calls: string[] = [];
  const refreshed: Refresh[] = [];
  const redirects: string[] = [];
  const guard = async (bound: string[]) => {
    calls.push(`guard:${bound.join(",")}`);
    if (opts.allow && !opts.allow(bound)) throw new Stopped("forbidden"); // like Next's forbidden()
    return { caller: "staff" };
  };
  const effects = {
    revalidate: (r: Refresh) => void refreshed.push(r),
    redirect: (path: string): never => {
      redirects.push(path);
      throw new Stopped(`redirect ${path}`);
    },
  };
  return { calls, refreshed, redirects, guard, effects };
}

const schema = z.object({ name: z.string().trim().min(2, "Too short."), count: z.coerce.number().int().default(1) });

function form(fields: Record<string, string | string[]>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) fd.append(k, x);
  return fd;
}

describe("splitArguments and formInput", () => {
  it("takes the leading strings as bound and the last argument as the input, whatever comes between", () => {
    const fd = form({ name: "x" });
    const fromForm = true;
    expect(splitArguments(["acme", null, fd])).toEqual({ bound: ["acme"], input: { name: "x" }, fromForm });
    expect(splitArguments(["acme", fd])).toEqual({ bound: ["acme"], input: { name: "x" }, fromForm });
    expect(splitArguments(["org-1", "usd", { ok: true, data: 1 }, fd])).toEqual({
      bound: ["org-1", "usd"],
      input: { name: "x" },
      fromForm,
    });
    expect(splitArguments(["acme"])).toEqual({ bound: ["acme"], input: undefined, fromForm: false });
    expect(splitArguments([null, { name: "direct" }])).toEqual({
      bound: [],
      input: { name: "direct" },
      fromForm: false,
    });
    expect(splitArguments([])).toEqual({ bound: [], input: undefined, fromForm: false });
  });

  it("keeps a form's strings, repeats as arrays, and drops Next's own fields and files", () => {
    const fd = form({ name: "x", tag: ["a", "b"], $ACTION_ID_abc: "", empty: "" });
    fd.append("file", new Blob(["data"]), "a.txt");
    expect(formInput(fd)).toEqual({ name: "x", tag: ["a", "b"], empty: "" });
  });
});

describe("defineAction", () => {
  it("guards, parses, runs the body with the bound arguments, then revalidates and answers", async () => {
    const h = harness();
    const action = defineAction(
      h.guard,
      {
        schema,
        message: (data: { greeting: string }, input) => `${data.greeting} ×${input.count}`,
        revalidate: (slug) => [`/orgs/${slug}`, { layout: `/orgs/${slug}/billing` }],
      },
      async (input, ctx, slug: string) => {
        h.calls.push(`body:${slug}:${ctx.caller}:${input.name}:${input.count}`);
        return { greeting: `hello ${input.name}` };
      },
      h.effects,
    );
    const result = await action("acme", null, form({ name: "  Ada ", count: "3" }));
    expect(result).toEqual({ ok: true, data: { greeting: "hello Ada" }, message: "hello Ada ×3" });
    expect(h.calls).toEqual(["guard:acme", "body:acme:staff:Ada:3"]);
    expect(h.refreshed).toEqual(["/orgs/acme", { layout: "/orgs/acme/billing" }]);
  });

  it("stops at the guard: nothing parsed, nothing run, the guard's interrupt passes through", async () => {
    const h = harness({ allow: () => false });
    const action = defineAction(
      h.guard,
      { schema },
      async (_input, _ctx, _slug: string) => h.calls.push("body"),
      h.effects,
    );
    await expect(action("acme", null, form({ name: "" }))).rejects.toBeInstanceOf(Stopped);
    expect(h.calls).toEqual(["guard:acme"]);
    expect(h.refreshed).toEqual([]);
  });

  it("answers field messages for bad input without running the body or revalidating", async () => {
    const h = harness();
    const action = defineAction(
      h.guard,
      { schema, revalidate: () => ["/x"] },
      async (_input, _ctx, _slug: string) => h.calls.push("body"),
      h.effects,
    );
    expect(await action("acme", null, form({ name: " a", count: "1.5" }))).toEqual({
      ok: false,
      error: "Some fields need attention.",
      fieldErrors: { name: "Too short.", count: expect.any(String) },
    });
    // A missing field is missing, not an empty string.
    expect(await action("acme", null, form({}))).toMatchObject({
      ok: false,
      fieldErrors: { name: expect.any(String) },
    });
    expect(h.calls).toEqual(["guard:acme", "guard:acme"]);
    expect(h.refreshed).toEqual([]);
  });

  it("turns a service's AppError into its sentence, and rethrows anything else", async () => {
    const h = harness();
    const refused = defineAction(
      h.guard,
      { revalidate: () => ["/x"] },
      async (_input, _ctx, _slug: string) => {
        throw new AppError("payment_failed", "Your card was declined.");
      },
      h.effects,
    );
    expect(await refused("acme")).toEqual({ ok: false, error: "Your card was declined." });
    const broken = defineAction(
      h.guard,
      {},
      async (_input, _ctx, _slug: string) => {
        throw new TypeError("bug");
      },
      h.effects,
    );
    await expect(broken("acme")).rejects.toThrow("bug");
    expect(h.refreshed).toEqual([]);
  });

  it("redirects after revalidating, only on success", async () => {
    const h = harness();
    const action = defineAction(
      h.guard,
      { revalidate: (key) => [`/admin/flags/${key}`], redirectTo: () => "/admin/flags" },
      async (_input, _ctx, _key: string) => undefined,
      h.effects,
    );
    await expect(action("beta")).rejects.toThrow("redirect /admin/flags");
    expect(h.refreshed).toEqual(["/admin/flags/beta"]);
    expect(h.redirects).toEqual(["/admin/flags"]);
  });

  it("accepts a plain object as the input of a direct call, parsed like a form", async () => {
    const h = harness();
    const action = defineAction(h.guard, { schema }, async (input, _ctx, _slug: string) => input, h.effects);
    expect(await action("acme", { name: "Grace" })).toEqual({
      ok: true,
      data: { name: "Grace", count: 1 },
      message: undefined,
    });
  });

  it("refuses a call without the arguments its body needs, after the guard", async () => {
    const h = harness();
    const action = defineAction(
      h.guard,
      {},
      async (_input, _ctx, orgId: string) => h.calls.push(`body:${orgId}`),
      h.effects,
    );
    // What a hand-made request can send: the types don't stop it.
    const call = action as unknown as (...args: unknown[]) => ReturnType<typeof action>;
    expect(await call(null, new FormData())).toEqual({
      ok: false,
      error: "This action is missing what it acts on. Reload the page and try again.",
    });
    expect(h.calls).toEqual(["guard:"]);
  });
});
