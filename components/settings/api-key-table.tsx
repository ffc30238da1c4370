import { Badge } from "@/components/ui/badge";
import { formatDate } from "@/lib/format";
import type { FormAction } from "@/components/ui/action-state";
import { ApiKeyRevokeButton } from "./api-key-revoke-button";

type Key = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** The organization's keys: name, prefix, created, last used, and (for owners and admins) revoke. */
export function ApiKeyTable({ keys, revoke }: { keys: Key[]; revoke: FormAction | null }) {
  if (keys.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No keys yet.</p>;
  }
  return (
    <div className="relative overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="min-w-full text-left text-sm">
        <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
          <tr>
            <th scope="col" className="px-4 py-2 font-medium">
              Name
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              Key
            </th>
            <th scope="col" className="hidden px-4 py-2 font-medium sm:table-cell">
              Created
            </th>
            <th scope="col" className="hidden px-4 py-2 font-medium sm:table-cell">
              Last used
            </th>
            <th scope="col" className="px-4 py-2 font-medium">
              <span className="sr-only">Status and actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {keys.map((k) => (
            <tr key={k.id} data-testid={`api-key-row-${k.prefix}`}>
              <td className="px-4 py-2">
                {/* A name without spaces (80 characters) breaks anywhere rather than widen the table. */}
                <span className="font-medium wrap-anywhere">{k.name}</span>
                <span className="block text-xs text-zinc-500 sm:hidden">
                  Created {formatDate(k.createdAt)} · last used {k.lastUsedAt ? formatDate(k.lastUsedAt) : "never"}
                </span>
              </td>
              <td className="px-4 py-2">
                <code className="font-mono text-xs">{k.prefix}…</code>
              </td>
              <td className="hidden px-4 py-2 whitespace-nowrap sm:table-cell">{formatDate(k.createdAt)}</td>
              <td className="hidden px-4 py-2 whitespace-nowrap sm:table-cell">
                {k.lastUsedAt ? formatDate(k.lastUsedAt) : "Never"}
              </td>
              <td className="px-4 py-2 text-right">
                {k.revokedAt ? (
                  <Badge>Revoked {formatDate(k.revokedAt)}</Badge>
                ) : revoke ? (
                  <ApiKeyRevokeButton apiKeyId={k.id} name={k.name} action={revoke} />
                ) : (
                  <Badge tone="green">Active</Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
