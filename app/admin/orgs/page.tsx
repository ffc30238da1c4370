import type { Metadata } from "next";
import Link from "next/link";
import { SortTh, TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { FilterButtons, FilterForm, FilterInput, FilterSelect, FiltersReset } from "@/components/admin/filter-form";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db/client";
import {
  listOrganizations,
  orgListQuerySchema,
  PAGE_SIZES,
  type OrgListQuery,
  type OrgListRow,
  firstValues,
  hrefWith,
} from "@/lib/admin";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatDate, formatNumber } from "@/lib/format";
import { PLAN_CATALOG } from "@/lib/plans";
import { inputClass } from "@/components/ui/field";
import { safeParseInput } from "@/lib/input";

export const metadata: Metadata = { title: "Organizations" };
export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const ORG_STATUSES = [
  { value: "active", label: "Active" },
  { value: "suspended", label: "Suspended" },
];

function OrgBadges({ row }: { row: OrgListRow }) {
  return (
    <>
      <StatusBadge status={row.status} />
      {row.subscriptionStatus && row.subscriptionStatus !== "active" ? (
        <StatusBadge status={row.subscriptionStatus} />
      ) : null}
      {row.atOrOverLimit ? <Badge tone="amber">limit reached</Badge> : null}
    </>
  );
}

export default async function OrganizationsPage({ searchParams }: { searchParams: SP }) {
  await requirePlatformAdmin();
  const raw = firstValues(await searchParams);
  const parsed = safeParseInput(orgListQuerySchema, raw);
  const query: OrgListQuery = parsed.success ? parsed.data : orgListQuerySchema.parse({});
  const result = await listOrganizations(await getDb(), query);
  const dir = query.dir ?? (query.sort === "created" ? "desc" : "asc");
  const link = (patch: Partial<OrgListQuery>) => {
    const q = { ...query, ...patch };
    return hrefWith("/admin/orgs", {
      q: q.q,
      plan: q.plan,
      status: q.status,
      pastDue: q.pastDue,
      overLimit: q.overLimit,
      sort: q.sort === "name" ? undefined : q.sort,
      dir: q.dir,
      page: q.page === 1 ? undefined : q.page,
      perPage: q.perPage === 25 ? undefined : q.perPage,
    });
  };
  const filtered = Boolean(query.q || query.plan || query.status || query.pastDue || query.overLimit);

  return (
    <div className="space-y-5">
      <PageHeader
        title="Organizations"
        description={`${formatNumber(result.total)} ${filtered ? "matching" : "in all"}${result.pages > 1 ? ` · page ${result.page} of ${formatNumber(result.pages)}` : ""}`}
      />
      <FiltersReset messages={parsed.success ? null : parsed.messages} />
      <FilterForm action="/admin/orgs" className="sm:grid-cols-2 lg:grid-cols-6">
        <FilterInput
          name="q"
          label="Search"
          value={query.q}
          type="search"
          placeholder="Name, slug, owner email, cus_…"
          className="sm:col-span-2 lg:col-span-3"
        />
        <FilterSelect
          name="plan"
          label="Plan"
          value={query.plan}
          anyLabel="Any plan"
          options={PLAN_CATALOG.map((p) => ({ value: p.id, label: p.name }))}
        />
        <FilterSelect name="status" label="Status" value={query.status} anyLabel="Any status" options={ORG_STATUSES} />
        <fieldset className="space-y-1 text-sm">
          <legend className="font-medium">Only</legend>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="pastDue" value="1" defaultChecked={query.pastDue} /> Past due
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="overLimit" value="1" defaultChecked={query.overLimit} /> At or over a limit
          </label>
        </fieldset>
        <FilterButtons
          filtered={filtered}
          clearHref="/admin/orgs"
          clearLabel="Clear filters"
          submitLabel="Search"
          className="flex flex-wrap items-center justify-end gap-2 sm:col-span-2 lg:col-span-6"
        >
          <input type="hidden" name="sort" value={query.sort} />
          {query.dir ? <input type="hidden" name="dir" value={query.dir} /> : null}
          <select
            name="perPage"
            aria-label="Organizations per page"
            defaultValue={String(query.perPage)}
            className={inputClass.replace("w-full", "w-auto")}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n} a page
              </option>
            ))}
          </select>
        </FilterButtons>
      </FilterForm>

      {result.rows.length === 0 ? (
        <EmptyState title={filtered ? "No organization matches" : "No organizations yet"}>
          {filtered
            ? "Try part of the name, the slug, the owner’s email or a Stripe customer id (cus_…), or clear the filters."
            : null}
        </EmptyState>
      ) : (
        <TableFrame label="Organizations">
          <THead>
            <SortTh
              label="Organization"
              sortKey="name"
              current={query.sort}
              dir={dir}
              href={(sort, d) => link({ sort: sort as OrgListQuery["sort"], dir: d, page: 1 })}
            />
            <SortTh
              label="Plan"
              sortKey="plan"
              current={query.sort}
              dir={dir}
              href={(sort, d) => link({ sort: sort as OrgListQuery["sort"], dir: d, page: 1 })}
            />
            <Th className="hidden sm:table-cell">Status</Th>
            <Th>Owner</Th>
            <Th align="right">Members</Th>
            <SortTh
              label="Created"
              sortKey="created"
              defaultDir="desc"
              current={query.sort}
              dir={dir}
              href={(sort, d) => link({ sort: sort as OrgListQuery["sort"], dir: d, page: 1 })}
            />
          </THead>
          <TBody>
            {result.rows.map((o) => (
              <tr key={o.id} data-testid={`org-row-${o.slug}`}>
                <Td>
                  <Link
                    href={`/admin/orgs/${o.id}`}
                    className="font-medium text-indigo-700 hover:underline dark:text-indigo-400"
                  >
                    {o.name}
                  </Link>
                  <span className="block text-xs text-zinc-500">
                    {o.slug}
                    {o.stripeCustomerId ? ` · ${o.stripeCustomerId}` : ""}
                  </span>
                  <span className="mt-1 flex flex-wrap gap-1 sm:hidden">
                    <OrgBadges row={o} />
                  </span>
                </Td>
                <Td>
                  {o.planName}
                  {o.billingCycle && o.planId !== "free" ? (
                    <span className="block text-xs text-zinc-500">
                      {o.billingCycle}
                      {o.seats ? ` · ${o.seats} seats` : ""}
                    </span>
                  ) : null}
                </Td>
                <Td className="hidden sm:table-cell">
                  <span className="flex flex-wrap gap-1">
                    <OrgBadges row={o} />
                  </span>
                </Td>
                <Td className="max-w-56 truncate">{o.ownerEmail ?? <span className="text-zinc-400">no owner</span>}</Td>
                <Td align="right">{formatNumber(o.members)}</Td>
                <Td className="whitespace-nowrap">{formatDate(o.createdAt)}</Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
      <Pagination
        numbered
        page={result.page}
        pages={result.pages}
        href={(page) => link({ page })}
        label="Organization pages"
      />
    </div>
  );
}
