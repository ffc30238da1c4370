import "server-only";
import { is, Param, Placeholder, SQL, type Column, type Query } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/types";

/**
 * A drizzle statement of lib/billing's hot path (the webhook worker's passes) built once, with
 * `sql.placeholder(…)` for every value, and run by name on any handle or transaction with the
 * values of the call: drizzle builds a statement's text again on every call otherwise (a
 * quarter of the worker's CPU). A select's rows are mapped as drizzle maps them (the columns'
 * own decoders), and values are encoded by their columns' encoders (null stays null). `build` gets the first caller's handle only to reach drizzle's builders; what
 * it builds must not depend on it, nor on the values (every value a placeholder, the same
 * columns every call).
 */
type Built = SQL | { toSQL(): Query; _?: { selectedFields?: Record<string, unknown> } };
const dialect = new PgDialect();
type Session = {
  prepareQuery(
    query: Query,
    fields: { path: string[]; field: unknown }[] | undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
  ): { execute(values: Record<string, unknown>): Promise<unknown> };
};

export function statement<Row = never>(
  name: string,
  build: (db: Queryable) => Built,
): (db: Queryable, values: Record<string, unknown>) => Promise<Row[]> {
  let built:
    | {
        query: Query;
        fields: { path: string[]; field: unknown }[] | undefined;
        encoders: [string, (value: unknown) => unknown][];
      }
    | undefined;
  return async (db, values) => {
    if (!built) {
      const b = build(db);
      const selected = is(b, SQL) ? undefined : (b._?.selectedFields as Record<string, Column> | undefined);
      const query = is(b, SQL) ? dialect.sqlToQuery(b) : b.toSQL();
      const encoders = new Map<string, (value: unknown) => unknown>();
      // drizzle encodes a placeholder's value with its column's encoder, null included (a null
      // timestamp would throw): each placeholder goes in bare, and its value is encoded here.
      const params = query.params.map((p) => {
        if (!is(p, Param) || !is(p.value, Placeholder)) return p;
        const { encoder } = p;
        encoders.set(p.value.name, (v) => encoder.mapToDriverValue(v));
        return p.value;
      });
      built = {
        query: { sql: query.sql, params },
        fields: selected ? Object.entries(selected).map(([key, field]) => ({ path: [key], field })) : undefined,
        encoders: [...encoders],
      };
    }
    const encoded: Record<string, unknown> = { ...values };
    for (const [key, encode] of built.encoders) {
      const v = values[key];
      encoded[key] = v === null || v === undefined ? null : encode(v);
    }
    const session = (db as unknown as { _: { session: Session } })._.session;
    const result = await session
      .prepareQuery(built.query, built.fields, name, built.fields !== undefined)
      .execute(encoded);
    return (built.fields ? result : []) as Row[];
  };
}

/**
 * Await statements sent together (one round trip; PostgreSQL runs them in the order sent), each
 * to its end, then throw the first failure in `writes`' order (the cause: once one fails, the
 * transaction refuses the ones after it).
 */
export async function allWritten(writes: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(writes);
  for (const s of settled) if (s.status === "rejected") throw s.reason;
}
