import type { Metadata } from "next";
import Link from "next/link";
import { AuditDetails } from "@/components/admin/audit-details";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { FilterButtons, FilterForm, FilterInput, FiltersReset } from "@/components/admin/filter-form";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db/client";
import {
  AUDIT_EXPORT_MAX,
  auditQuerySchema,
  listAudit,
  listAuditActions,
  type AuditQuery,
  firstValues,
  hrefWith,
} from "@/lib/admin";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";
import { buttonClass } from "@/components/ui/button";
import { safeParseInput } from "@/lib/input";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePlatformAdmin();
  const parsed = safeParseInput(auditQuerySchema, firstValues(await searchParams));
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
          <a
            href={hrefWith("/api/admin/audit/export", filters)}
            className={buttonClass({ variant: "secondary" })}
            download
          >
            Export CSV
          </a>
        }
      />
      <FiltersReset messages={parsed.success ? null : parsed.messages} />
      <FilterForm className="sm:grid-cols-2 lg:grid-cols-6">
        <FilterInput name="actor" label="Actor" value={query.actor} placeholder="email" />
        <FilterInput name="org" label="Organization" value={query.org} placeholder="slug or id" />
        <FilterInput
          name="action"
          label="Action"
          value={query.action}
          placeholder="organization."
          suggestions={actions}
        />
        <FilterInput name="from" label="From" value={query.from} type="date" />
        <FilterInput name="to" label="To" value={query.to} type="date" />
        <FilterButtons filtered={filtered} clearHref="/admin/audit" />
      </FilterForm>

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
                <Td className="hidden whitespace-nowrap sm:table-cell">
                  {r.createdAt.toISOString().replace("T", " ").slice(0, 19)}
                </Td>
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
                    <Link
                      href={`/admin/orgs/${r.organizationId}`}
                      className="text-indigo-700 hover:underline dark:text-indigo-400"
                    >
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
        numbered
        page={result.page}
        pages={result.hasMore ? result.page + 1 : result.page}
        href={(page) => hrefWith("/admin/audit", { ...filters, page: page === 1 ? undefined : page })}
        label="Audit pages"
      />
      <p className="text-xs text-zinc-500">
        The CSV export holds up to {formatNumber(AUDIT_EXPORT_MAX)} rows of the current filters.
      </p>
    </div>
  );
}
