import type { Metadata } from "next";
import { apiRoutes } from "@/lib/api";
import { buildOpenApiDocument, type Operation } from "@/lib/api/openapi";

export const metadata: Metadata = { title: "Platform API reference" };

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  additionalProperties?: Schema | boolean;
};

const SAFE_INT = 9007199254740991;

/**
 * The platform API's reference, rendered on the server from the same OpenAPI document that
 * GET /api/v1/openapi.json serves (generated from the routes' zod schemas). No script, no CDN.
 */
export default function ApiReferencePage() {
  const doc = buildOpenApiDocument(apiRoutes);
  const schemas = doc.components.schemas as Record<string, Schema>;
  const resolve = (s: Schema): Schema => (s.$ref ? (schemas[s.$ref.split("/").pop()!] ?? s) : s);
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );
  const tags = doc.tags.map((t) => t.name);

  return (
    <main className="mx-auto max-w-4xl space-y-10 px-4 py-10">
      <header className="space-y-3">
        <h1 className="text-3xl font-semibold tracking-tight">{doc.info.title}</h1>
        <p className="text-zinc-700 dark:text-zinc-300">{doc.info.description}</p>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Machine-readable:{" "}
          <a className="underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI {doc.openapi}). A typed TypeScript client is in the repository: <code>@agentbill/client</code>{" "}
          (packages/client).
        </p>
        <nav
          aria-label="Operations"
          className="rounded-lg bg-zinc-50 p-4 text-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
        >
          <ul className="space-y-1">
            {operations.map(({ path, method, op }) => (
              <li key={op.operationId}>
                <a className="hover:underline" href={`#${op.operationId}`}>
                  <Method method={method} /> <code>{path}</code> — {op.summary}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>

      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-6">
          <h2 id={`tag-${tag}`} className="border-b border-zinc-200 pb-1 text-2xl font-semibold dark:border-zinc-800">
            {tag}
          </h2>
          {operations
            .filter(({ op }) => op.tags.includes(tag))
            .map(({ path, method, op }) => (
              <OperationView key={op.operationId} path={path} method={method} op={op} resolve={resolve} />
            ))}
        </section>
      ))}
    </main>
  );
}

function Method({ method }: { method: string }) {
  return (
    <span className="inline-block min-w-12 rounded bg-zinc-200 px-1.5 text-center font-mono text-xs font-semibold uppercase text-zinc-800 dark:bg-zinc-700 dark:text-zinc-100">
      {method}
    </span>
  );
}

function OperationView({
  path,
  method,
  op,
  resolve,
}: {
  path: string;
  method: string;
  op: Operation;
  resolve: (s: Schema) => Schema;
}) {
  const body = op.requestBody?.content["application/json"].schema as Schema | undefined;
  return (
    <article id={op.operationId} aria-labelledby={`${op.operationId}-title`} className="space-y-3">
      <h3 id={`${op.operationId}-title`} className="text-lg font-semibold">
        <Method method={method} /> <code>{path}</code>
      </h3>
      <p className="font-medium">{op.summary}</p>
      {op.description ? <p className="text-sm text-zinc-700 dark:text-zinc-300">{op.description}</p> : null}
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {op.security?.length ? "Authorization: Bearer agb_… (an organization's API key)" : "No API key."}
      </p>
      {op.parameters?.length ? (
        <div>
          <h4 className="text-sm font-semibold">Parameters</h4>
          <FieldTable
            rows={op.parameters.map((p) => ({
              name: `${p.name} (${p.in})`,
              schema: { ...(p.schema as Schema), description: p.description },
              required: p.required,
            }))}
            resolve={resolve}
          />
        </div>
      ) : null}
      {body ? (
        <div>
          <h4 className="text-sm font-semibold">Request body (JSON)</h4>
          <SchemaFields schema={body} resolve={resolve} />
        </div>
      ) : null}
      <div>
        <h4 className="text-sm font-semibold">Responses</h4>
        <ul className="space-y-2 text-sm">
          {Object.entries(op.responses).map(([status, r]) => (
            <li key={status}>
              <span className="font-mono font-semibold">{status}</span> {r.description}
              {status === "200" && r.content ? (
                <SchemaFields schema={r.content["application/json"].schema as Schema} resolve={resolve} />
              ) : null}
            </li>
          ))}
        </ul>
      </div>
    </article>
  );
}

function SchemaFields({ schema, resolve }: { schema: Schema; resolve: (s: Schema) => Schema }) {
  const s = resolve(schema);
  if (!s.properties) return <p className="text-sm">{typeOf(s, resolve)}</p>;
  return (
    <FieldTable
      rows={Object.entries(s.properties).map(([name, p]) => ({
        name,
        schema: p,
        required: (s.required ?? []).includes(name),
      }))}
      resolve={resolve}
    />
  );
}

function FieldTable({
  rows,
  resolve,
}: {
  rows: { name: string; schema: Schema; required: boolean }[];
  resolve: (s: Schema) => Schema;
}) {
  return (
    <table className="mt-1 w-full text-left text-sm">
      <thead>
        <tr className="border-b border-zinc-200 text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          <th className="py-1 pr-3 font-medium">Field</th>
          <th className="py-1 pr-3 font-medium">Type</th>
          <th className="py-1 font-medium">Notes</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, schema, required }) => {
          const s = resolve(schema);
          const nested = s.type === "array" && s.items ? resolve(s.items) : s;
          return (
            <tr key={name} className="border-b border-zinc-100 align-top dark:border-zinc-900">
              <td className="py-1 pr-3 font-mono">
                {name}
                {required ? "" : "?"}
              </td>
              <td className="py-1 pr-3">{typeOf(s, resolve)}</td>
              <td className="py-1">
                {[schema.description ?? s.description, constraints(s)].filter(Boolean).join(" ")}
                {nested.properties && nested !== s ? <SchemaFields schema={nested} resolve={resolve} /> : null}
                {s.properties ? <SchemaFields schema={s} resolve={resolve} /> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function typeOf(s: Schema, resolve: (s: Schema) => Schema): string {
  if (s.$ref) return s.$ref.split("/").pop()!;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map((a) => typeOf(a, resolve)).join(" | ");
  if (s.type === "array") return `${s.items ? typeOf(s.items, resolve) : "any"}[]`;
  if (Array.isArray(s.type)) return s.type.join(" | ");
  if (s.type === "string" && s.format) return `string (${s.format})`;
  return s.type ?? "any";
}

function constraints(s: Schema): string {
  const out: string[] = [];
  if (s.minimum !== undefined && s.minimum > -SAFE_INT) out.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum < SAFE_INT) out.push(`≤ ${s.maximum.toLocaleString("en-US")}`);
  if (s.minLength !== undefined) out.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minItems !== undefined) out.push(`at least ${s.minItems} items`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems.toLocaleString("en-US")} items`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out.length ? `(${out.join(", ")})` : "";
}
