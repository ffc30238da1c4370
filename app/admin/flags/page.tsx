import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { FLAG_CACHE_TTL_MS, listFlags } from "@/lib/flags";
import { formatDate, formatNumber } from "@/lib/format";
import { createFlagAction } from "./actions";
import { Field, inputClass } from "@/components/ui/field";

export const metadata: Metadata = { title: "Feature flags" };
export const dynamic = "force-dynamic";

export default async function FlagsPage() {
  await requirePlatformAdmin();
  const flags = await listFlags(await getDb());
  return (
    <div className="space-y-8">
      <PageHeader
        title="Feature flags"
        description={`An override for an organization wins; otherwise the rollout turns a flag on for a stable share of organizations, and the rest get the default. Changes reach every instance within ${FLAG_CACHE_TTL_MS / 1000} seconds.`}
      />
      <section aria-labelledby="flag-list">
        <SectionHeading id="flag-list">Flags</SectionHeading>
        {flags.length === 0 ? (
          <EmptyState title="No flags yet">
            Create one below; the app reads it with isEnabled(key, organization).
          </EmptyState>
        ) : (
          <TableFrame label="Feature flags">
            <THead>
              <Th>Key</Th>
              <Th>Description</Th>
              <Th>Default</Th>
              <Th align="right">Rollout</Th>
              <Th align="right">Overrides</Th>
              <Th>Updated</Th>
            </THead>
            <TBody>
              {flags.map((f) => (
                <tr key={f.key} data-testid={`flag-row-${f.key}`}>
                  <Td>
                    <Link
                      href={`/admin/flags/${encodeURIComponent(f.key)}`}
                      className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-400"
                    >
                      {f.key}
                    </Link>
                  </Td>
                  <Td className="max-w-xs whitespace-normal text-zinc-600 dark:text-zinc-300">
                    {f.description || "—"}
                  </Td>
                  <Td>
                    <Badge tone={f.defaultEnabled ? "green" : "neutral"}>{f.defaultEnabled ? "on" : "off"}</Badge>
                  </Td>
                  <Td align="right">{f.rolloutPercent}%</Td>
                  <Td align="right">{formatNumber(f.overrides)}</Td>
                  <Td className="whitespace-nowrap">{formatDate(f.updatedAt)}</Td>
                </tr>
              ))}
            </TBody>
          </TableFrame>
        )}
      </section>

      <section aria-labelledby="new-flag">
        <SectionHeading id="new-flag">New flag</SectionHeading>
        <Card className="max-w-2xl">
          <ActionForm action={createFlagAction} submitLabel="Create flag">
            <div className="grid gap-3 sm:grid-cols-2">
              <Field label="Key" id="f-flag-key" hint="Lower case, e.g. bulk-export">
                <input
                  id="f-flag-key"
                  name="key"
                  required
                  pattern="[a-z0-9][a-z0-9._\-]{1,62}"
                  className={`${inputClass} font-mono`}
                />
              </Field>
              <Field label="Rollout (% of organizations)" id="f-flag-rollout">
                <input
                  id="f-flag-rollout"
                  name="rolloutPercent"
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  defaultValue={0}
                  className={inputClass}
                />
              </Field>
              <Field label="Description" id="f-flag-description" className="sm:col-span-2">
                <input id="f-flag-description" name="description" maxLength={500} className={inputClass} />
              </Field>
              <label className="flex items-center gap-2 text-sm sm:col-span-2">
                <input type="checkbox" name="defaultEnabled" /> On by default for organizations outside the rollout
              </label>
            </div>
          </ActionForm>
        </Card>
      </section>
    </div>
  );
}
