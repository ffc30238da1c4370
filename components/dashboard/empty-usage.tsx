import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

/** For an organization that has not reported any usage yet: what will appear here, and how to start. */
export function EmptyUsage({ slug, canManage }: { slug: string; canManage: boolean }) {
  return (
    <section aria-label="Usage graphs" data-testid="empty-usage">
      <EmptyState
        title="No usage yet"
        action={
          canManage ? (
            <Link
              href={`/orgs/${slug}/settings/api-keys`}
              className="text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-400"
            >
              Create an API key to report usage
            </Link>
          ) : null
        }
      >
        When your agents run, executions, agents, storage and gateways show up here within seconds, with graphs, trends
        and a projection to the end of the period.
      </EmptyState>
    </section>
  );
}
