import type { z } from "zod";
import { booleanFromText, numberFromText } from "./numbers";

/**
 * The form layer: a form's fields (and a query string's) are text. Guided by the schema the
 * input is parsed with, text becomes the number or boolean a field expects — only plain decimal
 * text and checkbox words (lib/input/numbers.ts) — and a blank field becomes "not given". The
 * schemas themselves are strict (a JSON number is a number): coercion happens here, once, for
 * input that arrived as a form (the server-action chain, lib/http/action-chain.ts).
 */

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The scalar kinds a schema accepts at the top (through optional, default, nullable, unions). */
function kinds(schema: z.ZodType, seen = 0): Set<string> {
  const def = defOf(schema);
  if (seen > 10) return new Set();
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return kinds(def.innerType!, seen + 1);
    case "pipe":
      return defOf(def.in!).type === "transform" ? new Set() : kinds(def.in!, seen + 1);
    case "union": {
      const all = new Set<string>();
      for (const o of def.options ?? []) for (const k of kinds(o, seen + 1)) all.add(k);
      return all;
    }
    default:
      return new Set([def.type]);
  }
}

/** The object/array/record schema under wrappers, if that is what the field is. */
function container(schema: z.ZodType): z.ZodType | null {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(s);
    if (def.type === "object" || def.type === "array" || def.type === "record") return s;
    if (def.innerType) s = def.innerType;
    else if (def.type === "pipe" && defOf(def.in!).type !== "transform") s = def.in!;
    else return null;
  }
  return null;
}

export function coerceForm(schema: z.ZodType, value: unknown): unknown {
  const box = container(schema);
  if (box && value !== null && typeof value === "object") {
    const def = defOf(box);
    if (def.type === "object" && !Array.isArray(value)) {
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [k, field] of Object.entries(def.shape ?? {})) if (k in out) out[k] = coerceForm(field, out[k]);
      return out;
    }
    if (def.type === "array" && Array.isArray(value)) return value.map((v) => coerceForm(def.element!, v));
    if (def.type === "record" && !Array.isArray(value))
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, coerceForm(def.valueType!, v)]),
      );
    return value;
  }
  if (typeof value !== "string") return value;
  const k = kinds(schema);
  if (k.has("string") || k.has("enum") || k.has("literal")) return value;
  if (k.has("number") || k.has("int") || k.has("bigint")) return numberFromText(value);
  if (k.has("boolean")) return booleanFromText(value);
  if (k.has("null") && value.trim() === "") return undefined;
  return value;
}

/** A schema that reads form text: `coerceForm` then the strict schema. For forms built by hand (preprocess). */
export function formOf<S extends z.ZodType>(schema: S) {
  return (value: unknown) => coerceForm(schema, value);
}
