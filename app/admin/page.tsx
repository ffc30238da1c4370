import { Card, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { countOrganizationsByPlan } from "@/lib/admin/overview";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";

export default async function AdminOverviewPage() {
  await requirePlatformAdmin();
  const byPlan = await countOrganizationsByPlan(await getDb());
  const total = byPlan.reduce((n, p) => n + p.organizations, 0);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Platform overview</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{formatNumber(total)} organizations in all.</p>
      </div>
      <section aria-labelledby="by-plan">
        <h2 id="by-plan" className="mb-3 text-lg font-semibold">
          Organizations by plan
        </h2>
        <ul className="grid gap-4 sm:grid-cols-3">
          {byPlan.map((p) => (
            <li key={p.planId}>
              <Card>
                <CardTitle>{p.planName}</CardTitle>
                <p className="tabular mt-2 text-3xl font-semibold" data-testid={`plan-count-${p.planId}`}>
                  {formatNumber(p.organizations)}
                </p>
                <p className="mt-1 text-xs text-zinc-500">
                  {formatNumber(p.active)} active · {formatNumber(p.suspended)} suspended
                </p>
              </Card>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
