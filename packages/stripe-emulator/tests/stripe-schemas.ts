import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { packageRoot } from "./helpers";

/**
 * Stripe's reference data in tests/fixtures/stripe (see its README): 2023-08-16 OpenAPI component
 * schemas, 2026 fixtures. The schemas are made Ajv-ready as the README describes: OpenAPI's
 * `nullable` becomes a JSON-Schema null type, and the `required` fields that later API versions
 * moved or removed (x-drift-vs-fixtures) are dropped.
 */
export const stripeFixturesDir = path.resolve(packageRoot, "tests/fixtures/stripe");

type Node = Record<string, unknown>;

interface SchemaDoc {
  components: { schemas: Record<string, Node> };
  "x-roots": Record<string, string>;
  "x-drift-vs-fixtures": Record<string, { schema_required_but_absent_from_current_fixture?: string[] }>;
}

function denull(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(denull);
  if (!node || typeof node !== "object") return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node as Node)) out[k] = denull(v);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  const { description, ...rest } = out;
  return { ...(description ? { description } : {}), anyOf: [rest, { type: "null" }] };
}

/** README: "customer.discount: coupon. A discount now carries source.coupon." */
const EXTRA_DRIFT: Record<string, string[]> = { discount: ["coupon"] };

export function loadStripeSchemas() {
  const doc = JSON.parse(readFileSync(path.join(stripeFixturesDir, "schemas.json"), "utf8")) as SchemaDoc;
  const schemas = denull(doc.components.schemas) as Record<string, Node>;
  const dropRequired = (name: string, fields: string[]) => {
    const schema = schemas[name];
    if (schema && Array.isArray(schema.required))
      schema.required = (schema.required as string[]).filter((f) => !fields.includes(f));
  };
  for (const [root, drift] of Object.entries(doc["x-drift-vs-fixtures"])) {
    dropRequired(doc["x-roots"][root] ?? root, drift.schema_required_but_absent_from_current_fixture ?? []);
  }
  for (const [name, fields] of Object.entries(EXTRA_DRIFT)) dropRequired(name, fields);

  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: "stripe.json", components: { schemas } });
  const cache = new Map<string, ValidateFunction>();
  return {
    validator(resource: string): ValidateFunction {
      const name = doc["x-roots"][resource] ?? resource;
      let fn = cache.get(name);
      if (!fn) {
        fn = ajv.compile({ $ref: `stripe.json#/components/schemas/${name}` });
        cache.set(name, fn);
      }
      return fn;
    },
  };
}

export function loadFixtures(): Record<string, Record<string, unknown>> {
  const data = JSON.parse(readFileSync(path.join(stripeFixturesDir, "fixtures.json"), "utf8")) as {
    resources: Record<string, Record<string, unknown>>;
  };
  return data.resources;
}
