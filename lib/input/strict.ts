import { z } from "zod";

/**
 * JSON bodies are strict all the way down: every object of a body schema refuses keys it doesn't
 * know, nested ones too (an enterprise contract's `limits`, a manual invoice's `lines[]`), so a
 * typo in a field name is a 400 naming its path instead of "not given". Deliberately free-form
 * parts stay free-form: a `z.record(…)` accepts any key (its values are still made strict), and
 * an object declared `.loose()` / `.catchall(…)` keeps its catch-all. Objects already `.strict()`
 * are left as they are. The strict copy is made once per schema (cached).
 */

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const rebuild = <S extends z.ZodType>(schema: S, def: Def): S =>
  (schema as unknown as { clone(def: Def): S }).clone(def);

const cache = new WeakMap<z.ZodType, z.ZodType>();

function strict(schema: z.ZodType, depth: number): z.ZodType {
  if (depth > 30) return schema;
  const hit = cache.get(schema);
  if (hit) return hit;
  const def = defOf(schema);
  const s = (child: z.ZodType) => strict(child, depth + 1);
  let out: z.ZodType = schema;
  switch (def.type) {
    case "object": {
      const shape = Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, s(v)]));
      out = rebuild(schema, { ...def, shape, catchall: def.catchall ?? z.never() });
      break;
    }
    case "array":
      out = rebuild(schema, { ...def, element: s(def.element!) });
      break;
    case "record":
      out = rebuild(schema, { ...def, valueType: s(def.valueType!) });
      break;
    case "tuple":
      out = rebuild(schema, { ...def, items: def.items!.map(s), rest: def.rest ? s(def.rest) : def.rest });
      break;
    case "union":
      out = rebuild(schema, { ...def, options: def.options!.map(s) });
      break;
    case "intersection":
      out = rebuild(schema, { ...def, left: s(def.left!), right: s(def.right!) });
      break;
    case "pipe":
      out = rebuild(schema, { ...def, in: s(def.in!), out: s(def.out!) });
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      out = rebuild(schema, { ...def, innerType: s(def.innerType!) });
      break;
    default:
      out = schema;
  }
  cache.set(schema, out);
  return out;
}

/** The schema with every object in it strict (see above). */
export function strictDeep<S extends z.ZodType>(schema: S): S {
  return strict(schema, 0) as S;
}
