import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { z } from "zod";
import { ZodType } from "zod";
import { defineAction, type ActionEffects } from "@/lib/http/action-chain";

/**
 * The input schemas of the server actions and services (every exported `…Schema` under lib/ and
 * app/, found on the file system), run through the real action chain (lib/http/action-chain.ts:
 * sanitiser, form layer, schema) with a guard that lets the call in. Malformed input, as a form
 * or as an object: never an exception, a refusal with field messages, the body never runs.
 */

const ROOT = path.resolve(__dirname, "../..");

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "emulator" ? [] : files(rel);
    return e.name.endsWith(".ts") ? [rel] : [];
  });
}

const sources = [...files("lib"), ...files("app")].filter((f) =>
  /export const \w+Schema\b/.test(fs.readFileSync(path.join(ROOT, f), "utf8")),
);

type Found = { name: string; file: string; schema: z.ZodType };

async function discover(): Promise<Found[]> {
  const out: Found[] = [];
  for (const file of sources) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (name.endsWith("Schema") && value instanceof ZodType) out.push({ name, file, schema: value });
  }
  return out;
}

/** The top-level field names of an object schema (through optional/default/pipe wrappers). */
function fieldsOf(schema: z.ZodType): string[] {
  let s = schema as unknown as { _zod: { def: Record<string, unknown> } };
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def;
    if (def.type === "object") return Object.keys(def.shape as object);
    const next = (def.innerType ?? (def.type === "pipe" ? def.out : undefined)) as typeof s | undefined;
    if (!next) return [];
    s = next;
  }
  return [];
}

const effects: ActionEffects = {
  revalidate: () => undefined,
  redirect: (p: string): never => {
    throw new Error(`redirect to ${p}`);
  },
};

function chainFor(schema: z.ZodType) {
  const ran: unknown[] = [];
  const action = defineAction(
    async () => ({}),
    { schema },
    async (input: unknown) => {
      ran.push(input);
      return undefined;
    },
    effects,
  );
  return {
    action: action as (
      ...args: unknown[]
    ) => Promise<{ ok: boolean; error?: string; fieldErrors?: Record<string, string> }>,
    ran,
  };
}

const FORM_POISON = ["\u0000", "ok\u0000", "\u0001", "bell\u0007", "esc\u001b[0m", "x".repeat(10_001)];
const OBJECT_POISON: unknown[] = [...FORM_POISON, "\ud800", "a\udc00b", [5], { $gt: "" }];

describe("server action and service schemas against malformed input", () => {
  it("finds the schemas on the file system", async () => {
    const found = await discover();
    expect(found.length).toBeGreaterThanOrEqual(25);
  });

  it("a poisoned field, as a form or an object: refused with field messages, the body never runs", async () => {
    const problems: string[] = [];
    for (const { name, schema } of await discover()) {
      const fields = fieldsOf(schema);
      for (const field of fields.length > 0 ? fields : ["value"]) {
        for (const poison of FORM_POISON) {
          const fd = new FormData();
          for (const f of fields) fd.set(f, "1");
          fd.set(field, poison);
          const { action, ran } = chainFor(schema);
          try {
            const r = await action(fd);
            if (r.ok || ran.length > 0)
              problems.push(`${name}.${field} (form) ${JSON.stringify(poison).slice(0, 20)} passed`);
            else if (!r.error) problems.push(`${name}.${field} (form): refused without a message`);
          } catch (err) {
            problems.push(`${name}.${field} (form) threw ${String(err).slice(0, 100)}`);
          }
        }
        for (const poison of OBJECT_POISON) {
          const { action, ran } = chainFor(schema);
          try {
            const r = await action({ [field]: poison });
            if (r.ok || ran.length > 0)
              problems.push(`${name}.${field} (object) ${JSON.stringify(poison).slice(0, 20)} passed`);
          } catch (err) {
            problems.push(`${name}.${field} (object) threw ${String(err).slice(0, 100)}`);
          }
        }
      }
    }
    expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
  }, 120_000);

  it("property: any object or form never makes the chain throw", async () => {
    const found = await discover();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...found),
        fc.dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: "binary" })),
          {
            maxKeys: 6,
          },
        ),
        fc.boolean(),
        async ({ schema }, fields, asForm) => {
          const { action } = chainFor(schema);
          let input: unknown = fields;
          if (asForm) {
            const fd = new FormData();
            for (const [k, v] of Object.entries(fields)) fd.set(k, typeof v === "string" ? v : JSON.stringify(v));
            input = fd;
          }
          const r = await action(input);
          expect(typeof r.ok).toBe("boolean");
          if (!r.ok) expect(r.error?.length ?? 0).toBeGreaterThan(5);
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);
});
