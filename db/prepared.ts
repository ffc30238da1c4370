import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rowsOf, type Queryable } from "./types";

const dialect = new PgDialect();

/**
 * A raw statement run as a prepared statement: `build` writes it once with `sql.placeholder(…)`
 * for every value, and each call sends only the values. For statements drizzle's prepared
 * selects can't hold (data-modifying CTEs must be top-level). `db.execute(sql…)` is never
 * prepared: PostgreSQL parses and plans the statement on every call, and drizzle builds its text
 * again each time (for the one-statement ingest of a few events, most of the CPU of both sides).
 * Works through a handle or an open transaction, on postgres.js (a named statement per
 * connection, planned once) and on PGlite.
 */
export function preparedStatement<Row>(
  name: string,
  build: () => SQL,
): (q: Queryable, values: Record<string, unknown>) => Promise<Row[]> {
  let query: ReturnType<PgDialect["sqlToQuery"]> | undefined;
  return async (q, values) => {
    query ??= dialect.sqlToQuery(build());
    return rowsOf<Row>(await q._.session.prepareQuery(query, undefined, name, false).execute(values));
  };
}
