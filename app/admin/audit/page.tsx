import type { Metadata } from "next";
import Link from "next/link";
import { AuditDetails } from "@/components/admin/audit-details";
import { EmptyState, Pagination, TableFrame, TBody, Td, Th, THead } from "@/components/admin/data-table";
import { buttonClass, inputClass, secondaryButtonClass } from "@/components/admin/form-fields";
import { Notice, PageHeader } from "@/components/admin/page-header";
import { getDb } from "@/db/client";
import { AUDIT_EXPORT_MAX, auditQuerySchema, listAudit, listAuditActions, type AuditQuery } from "@/lib/admin";
import { firstValues, hrefWith } from "@/lib/admin/urls";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePlatformAdmin();
  const parsed = auditQuerySchema.safeParse(firstValues(await searchParams));
  const query: AuditQuery = parsed.success ? parsed.data : auditQuerySchema.parse({});
  const db = await getDb();
  const [result, actions] = await Promise.all([listAudit(db, query), listAuditActions(db)]);
  const filters = { actor: query.actor, org: query.org, action: query.action, from: query.from, to: query.to };
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="space-y-5">
      <PageHeader
        title="Audit log"
        description="Every admin and billing change: who, what, before and after, and why. Newest first; times in UTC."
        actions={
          <a href={hrefWith("/api/admin/audit/export", filters)} className={secondaryButtonClass} download>
            Export CSV
          </a>
        }
      />
      {!parsed.success ? (
        <Notice tone="amber" role="alert">
          Some filters were not understood and were reset: {parsed.error.issues.map((i) => i.message).join(" ")}
        </Notice>
      ) : null}
      <form method="get" role="search" className="grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 sm:grid-cols-2 lg:grid-cols-6 dark:bg-zinc-900 dark:ring-zinc-800">
        <div>
          <label htmlFor="actor" className="block text-sm font-medium">
            Actor
          </label>
          <input id="actor" name="actor" defaultValue={query.actor ?? ""} placeholder="email" className={`mt-1 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="org" className="block text-sm font-medium">
            Organization
          </label>
          <input id="org" name="org" defaultValue={query.org ?? ""} placeholder="slug or id" className={`mt-1 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="action" className="block text-sm font-medium">
            Action
          </label>
          <input id="action" name="action" list="audit-actions" defaultValue={query.action ?? ""} placeholder="organization." className={`mt-1 ${inputClass}`} />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="from" className="block text-sm font-medium">
            From
          </label>
          <input id="from" name="from" type="date" defaultValue={query.from ?? ""} className={`mt-1 ${inputClass}`} />
        </div>
        <div>
          <label htmlFor="to" className="block text-sm font-medium">
            To
          </label>
          <input id="to" name="to" type="date" defaultValue={query.to ?? ""} className={`mt-1 ${inputClass}`} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass}>
            Filter
          </button>
          {filtered ? (
            <Link href="/admin/audit" className={secondaryButtonClass}>
              Clear
            </Link>
          ) : null}
        </div>
      </form>

      {result.rows.length === 0 ? (
        <EmptyState title={filtered ? "Nothing matches these filters" : "Nothing recorded yet"}>
          {filtered ? "Widen the dates or clear a filter." : "Admin and billing changes appear here as they happen."}
        </EmptyState>
      ) : (
        <TableFrame label="Audit log">
          <THead>
            <Th className="hidden sm:table-cell">When (UTC)</Th>
            <Th className="hidden sm:table-cell">Actor</Th>
            <Th>Action</Th>
            <Th>Organization</Th>
            <Th>Reason and details</Th>
          </THead>
          <TBody>
            {result.rows.map((r) => (
              <tr key={r.id} data-testid="audit-row">
                <Td className="hidden whitespace-nowrap sm:table-cell">{r.createdAt.toISOString().replace("T", " ").slice(0, 19)}</Td>
                <Td className="hidden sm:table-cell">{r.actorLabel}</Td>
                <Td>
                  <span className="block text-xs text-zinc-500 sm:hidden">
                    {r.createdAt.toISOString().replace("T", " ").slice(0, 16)} · {r.actorLabel}
                  </span>
                  <code className="font-mono text-xs">{r.action}</code>
                  <span className="block text-xs text-zinc-500">
                    {r.targetType}
                    {r.targetId ? ` ${r.targetId.length > 20 ? `${r.targetId.slice(0, 8)}…` : r.targetId}` : ""}
                  </span>
                </Td>
                <Td>
                  {r.organizationId ? (
                    <Link href={`/admin/orgs/${r.organizationId}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
                      {r.organizationSlug ?? r.organizationId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </Td>
                <Td>
                  <AuditDetails details={r.details} />
                </Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
      <Pagination
        page={result.page}
        pages={result.hasMore ? result.page + 1 : result.page}
        href={(page) => hrefWith("/admin/audit", { ...filters, page: page === 1 ? undefined : page })}
        label="Audit pages"
      />
      <p className="text-xs text-zinc-500">The CSV export holds up to {formatNumber(AUDIT_EXPORT_MAX)} rows of the current filters.</p>
    </div>
  );
}
