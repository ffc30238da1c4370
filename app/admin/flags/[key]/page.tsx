import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { TableFrame, TBody, Td, Th, THead } from "@/components/ui/table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { getFlagOrThrow } from "@/lib/flags";
import { formatDate } from "@/lib/format";
import { deleteFlagAction, removeOverrideAction, setOverrideAction, updateFlagAction } from "../actions";
import { Field, inputClass } from "@/components/ui/field";

export const dynamic = "force-dynamic";
type Params = Promise<{ key: string }>;

async function load(key: string) {
  try {
    return await getFlagOrThrow(await getDb(), decodeURIComponent(key));
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { key } = await params;
  return { title: `Flag ${decodeURIComponent(key)}` };
}

export default async function FlagPage({ params }: { params: Params }) {
  await requirePlatformAdmin();
  const flag = await load((await params).key);
  return (
    <div className="space-y-8">
      <PageHeader
        back={{ href: "/admin/flags", label: "Feature flags" }}
        title={flag.key}
        description={flag.description || "No description."}
      />

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <h2 className="mb-3 font-semibold">Settings</h2>
          <ActionForm action={updateFlagAction.bind(null, flag.key)} submitLabel="Save flag">
            <Field label="Description" id="f-desc">
              <input
                id="f-desc"
                name="description"
                defaultValue={flag.description}
                maxLength={500}
                className={inputClass}
              />
            </Field>
            <Field label="Rollout (% of organizations, stable per organization)" id="f-rollout">
              <input
                id="f-rollout"
                name="rolloutPercent"
                type="number"
                min={0}
                max={100}
                step={1}
                defaultValue={flag.rolloutPercent}
                required
                className={inputClass}
              />
            </Field>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="defaultEnabled" defaultChecked={flag.defaultEnabled} /> On by default for
              organizations outside the rollout
            </label>
          </ActionForm>
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">Override for one organization</h2>
          <ActionForm action={setOverrideAction.bind(null, flag.key)} submitLabel="Save override">
            <Field label="Organization (slug or id)" id="f-org">
              <input id="f-org" name="organization" required className={inputClass} />
            </Field>
            <fieldset className="flex gap-4 text-sm">
              <legend className="mb-1 font-medium">Flag for this organization</legend>
              <label className="flex items-center gap-1">
                <input type="radio" name="enabled" value="on" defaultChecked /> On
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="enabled" value="off" /> Off
              </label>
            </fieldset>
          </ActionForm>
        </Card>
      </div>

      <section aria-labelledby="overrides">
        <SectionHeading id="overrides">Overrides</SectionHeading>
        {flag.overrideList.length === 0 ? (
          <EmptyState title="No overrides">Every organization follows the rollout and the default.</EmptyState>
        ) : (
          <TableFrame label="Overrides">
            <THead>
              <Th>Organization</Th>
              <Th>State</Th>
              <Th>Since</Th>
              <Th>Remove</Th>
            </THead>
            <TBody>
              {flag.overrideList.map((o) => (
                <tr key={o.organizationId}>
                  <Td>
                    <Link
                      href={`/admin/orgs/${o.organizationId}`}
                      className="font-medium text-indigo-700 hover:underline dark:text-indigo-400"
                    >
                      {o.name}
                    </Link>
                    <span className="block text-xs text-zinc-500">{o.slug}</span>
                  </Td>
                  <Td>
                    <Badge tone={o.enabled ? "green" : "neutral"}>{o.enabled ? "on" : "off"}</Badge>
                  </Td>
                  <Td className="whitespace-nowrap">{formatDate(o.createdAt)}</Td>
                  <Td>
                    <details>
                      <summary className="cursor-pointer text-sm font-medium text-indigo-700 dark:text-indigo-400">
                        Remove…
                      </summary>
                      <ActionForm
                        action={removeOverrideAction.bind(null, flag.key)}
                        submitLabel="Remove override"
                        className="mt-2 w-64"
                        confirm={{
                          title: `Remove the override for ${o.slug}?`,
                          body: "It follows the rollout and the default again.",
                          confirmLabel: "Remove override",
                        }}
                      >
                        <input type="hidden" name="organization" value={o.organizationId} />
                      </ActionForm>
                    </details>
                  </Td>
                </tr>
              ))}
            </TBody>
          </TableFrame>
        )}
      </section>

      <section aria-labelledby="danger">
        <SectionHeading id="danger">Delete</SectionHeading>
        <Card className="max-w-xl">
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            Deleting the flag removes its overrides; <code className="font-mono">isEnabled</code> then answers off
            everywhere.
          </p>
          <ActionForm
            action={deleteFlagAction.bind(null, flag.key)}
            submitLabel="Delete flag"
            danger
            confirm={{
              title: `Delete ${flag.key}?`,
              body: "Code that still asks for it will get off.",
              confirmLabel: "Delete flag",
            }}
          />
        </Card>
      </section>
    </div>
  );
}
