import type { Metadata } from "next";
import { ApiKeyCreateForm } from "@/components/settings/api-key-create-form";
import { ApiKeyTable } from "@/components/settings/api-key-table";
import { Card, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { listApiKeys } from "@/lib/auth/api-keys";
import { canManageBilling } from "@/lib/auth/roles";
import { requireOrgRole } from "@/lib/auth/session";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { organization, role } = await requireOrgRole(slug, "member");
  const canManage = canManageBilling(role);
  const keys = await listApiKeys(await getDb(), organization.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="mt-1 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
          The agent platform uses these keys to report {organization.name}’s usage and to check limits. Send one as{" "}
          <code className="font-mono text-xs">Authorization: Bearer agb_…</code>. We store only a hash of each key and
          its first characters (to tell keys apart), never the key itself, so it is shown once; a revoked key stops
          working at once.
        </p>
      </div>
      {canManage && organization.status === "suspended" ? (
        <Card>
          <CardTitle id="create-key-heading">Create a key</CardTitle>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" data-testid="create-key-suspended">
            New keys can’t be created while {organization.name} is suspended (see above).
          </p>
        </Card>
      ) : canManage ? (
        <Card>
          <CardTitle id="create-key-heading">Create a key</CardTitle>
          <div className="mt-3">
            <ApiKeyCreateForm action={createApiKeyAction.bind(null, slug)} />
          </div>
        </Card>
      ) : (
        <p
          role="note"
          className="rounded-lg bg-zinc-100 px-4 py-3 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
        >
          Only owners and admins can create or revoke keys. You can see which keys exist.
        </p>
      )}
      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading" className="mb-3 text-lg font-semibold">
          Keys
        </h2>
        <ApiKeyTable keys={keys} revoke={canManage ? revokeApiKeyAction.bind(null, slug) : null} />
      </section>
    </div>
  );
}
