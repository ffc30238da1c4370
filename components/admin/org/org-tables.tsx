import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import type { FormAction } from "@/components/ui/action-state";
import { AuditDetails } from "@/components/admin/audit-details";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { SectionHeading } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import type { OrgDetail } from "@/lib/admin";
import { formatDate } from "@/lib/format";
import { InvoiceStatusBadge } from "@/components/invoices/invoice-status-badge";
import { amountRemainingCents, listAmountText } from "@/lib/invoices";
import { formatMoney } from "@/lib/money";

export function MembersTable({ members }: { members: OrgDetail["members"] }) {
  return (
    <section aria-labelledby="members">
      <SectionHeading id="members">Members</SectionHeading>
      {members.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <TableFrame label="Members">
          <THead>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Joined</Th>
          </THead>
          <TBody>
            {members.map((m) => (
              <tr key={m.userId}>
                <Td className="font-medium">{m.name}</Td>
                <Td>{m.email}</Td>
                <Td>
                  <Badge tone={m.role === "owner" ? "indigo" : "neutral"}>{m.role}</Badge>
                </Td>
                <Td className="whitespace-nowrap">{formatDate(m.joinedAt)}</Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
    </section>
  );
}

export function InvoicesTable({ invoices }: { invoices: OrgDetail["invoices"] }) {
  return (
    <section aria-labelledby="invoices">
      <SectionHeading id="invoices">Invoices</SectionHeading>
      {invoices.length === 0 ? (
        <EmptyState title="No invoices yet" />
      ) : (
        <TableFrame label="Invoices">
          <THead>
            <Th>Number</Th>
            <Th>Issued</Th>
            <Th>Status</Th>
            <Th align="right">Total</Th>
            <Th align="right">Due</Th>
            <Th>Source</Th>
          </THead>
          <TBody>
            {invoices.map((i) => (
              <tr key={i.id}>
                <Td className="font-medium">
                  {i.hostedInvoiceUrl ? (
                    <a
                      href={i.hostedInvoiceUrl}
                      className="text-indigo-700 hover:underline dark:text-indigo-400"
                      rel="noreferrer"
                      target="_blank"
                    >
                      {i.number ?? i.id.slice(0, 8)}
                    </a>
                  ) : (
                    (i.number ?? i.id.slice(0, 8))
                  )}
                </Td>
                <Td className="whitespace-nowrap">{formatDate(i.issuedAt)}</Td>
                <Td>
                  <InvoiceStatusBadge status={i.status} dueDate={null} now={new Date()} totalCents={i.totalCents} />
                </Td>
                <Td align="right">{listAmountText(i)}</Td>
                <Td align="right">{i.status === "open" ? formatMoney(amountRemainingCents(i), i.currency) : "—"}</Td>
                <Td>{i.source}</Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
    </section>
  );
}

export function ApiKeysTable({ keys, revoke }: { keys: OrgDetail["apiKeys"]; revoke: FormAction }) {
  return (
    <section aria-labelledby="api-keys">
      <SectionHeading id="api-keys">API keys</SectionHeading>
      {keys.length === 0 ? (
        <EmptyState title="No API keys">The organization creates keys for its agents; none exist yet.</EmptyState>
      ) : (
        <TableFrame label="API keys">
          <THead>
            <Th>Name</Th>
            <Th>Prefix</Th>
            <Th>Created</Th>
            <Th>Last used</Th>
            <Th>State</Th>
          </THead>
          <TBody>
            {keys.map((k) => (
              <tr key={k.id}>
                <Td className="font-medium">{k.name}</Td>
                <Td>
                  <code className="font-mono text-xs">{k.prefix}…</code>
                </Td>
                <Td className="whitespace-nowrap">{formatDate(k.createdAt)}</Td>
                <Td className="whitespace-nowrap">{formatDate(k.lastUsedAt)}</Td>
                <Td>
                  {k.revokedAt ? (
                    <span className="text-zinc-500">revoked {formatDate(k.revokedAt)}</span>
                  ) : (
                    <details>
                      <summary className="cursor-pointer text-sm font-medium text-red-700 dark:text-red-400">
                        Revoke…
                      </summary>
                      <ActionForm
                        action={revoke}
                        submitLabel="Revoke key"
                        danger
                        className="mt-2 w-64"
                        confirm={{
                          title: `Revoke ${k.name}?`,
                          body: `Calls with the key ${k.prefix}… will be refused at once. This cannot be undone; the organization can create a new key.`,
                          confirmLabel: "Revoke key",
                        }}
                      >
                        <input type="hidden" name="apiKeyId" value={k.id} />
                      </ActionForm>
                    </details>
                  )}
                </Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
    </section>
  );
}

const SOURCE: Record<string, string> = {
  override: "override for this organization",
  rollout: "in the rollout",
  default: "flag default",
};

export function FlagsTable({ flags }: { flags: OrgDetail["flags"] }) {
  return (
    <section aria-labelledby="flags">
      <SectionHeading
        id="flags"
        aside={
          <Link href="/admin/flags" className="text-indigo-700 hover:underline dark:text-indigo-400">
            Manage flags
          </Link>
        }
      >
        Feature flags in force
      </SectionHeading>
      {flags.length === 0 ? (
        <EmptyState title="No feature flags defined" />
      ) : (
        <TableFrame label="Feature flags in force">
          <THead>
            <Th>Flag</Th>
            <Th>State</Th>
            <Th>Why</Th>
          </THead>
          <TBody>
            {flags.map((f) => (
              <tr key={f.key} data-testid={`flag-${f.key}`}>
                <Td>
                  <Link
                    href={`/admin/flags/${encodeURIComponent(f.key)}`}
                    className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-400"
                  >
                    {f.key}
                  </Link>
                </Td>
                <Td>
                  <Badge tone={f.enabled ? "green" : "neutral"}>{f.enabled ? "on" : "off"}</Badge>
                </Td>
                <Td className="text-zinc-600 dark:text-zinc-300">{SOURCE[f.source]}</Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
    </section>
  );
}

export function AuditTable({ entries, slug }: { entries: OrgDetail["audit"]; slug: string }) {
  return (
    <section aria-labelledby="audit">
      <SectionHeading
        id="audit"
        aside={
          <Link
            href={`/admin/audit?org=${encodeURIComponent(slug)}`}
            className="text-indigo-700 hover:underline dark:text-indigo-400"
          >
            Full audit log
          </Link>
        }
      >
        Audit trail
      </SectionHeading>
      {entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet">
          Admin and billing changes to this organization will appear here.
        </EmptyState>
      ) : (
        <TableFrame label="Audit trail">
          <THead>
            <Th>When</Th>
            <Th>Who</Th>
            <Th>What</Th>
            <Th>Reason and details</Th>
          </THead>
          <TBody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="org-audit-row">
                <Td className="whitespace-nowrap">
                  <time dateTime={e.createdAt.toISOString()}>
                    {e.createdAt.toISOString().replace("T", " ").slice(0, 16)} UTC
                  </time>
                </Td>
                <Td>{e.actorLabel}</Td>
                <Td>
                  <code className="font-mono text-xs">{e.action}</code>
                </Td>
                <Td>
                  <AuditDetails details={e.details} />
                </Td>
              </tr>
            ))}
          </TBody>
        </TableFrame>
      )}
    </section>
  );
}
