import { ExecutionsChart } from "@/components/admin/charts";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { UsageBar } from "@/components/ui/usage-bar";
import type { OrgDetail } from "@/lib/admin";
import { fmt, METRIC_LABEL, METRIC_LIMIT_KEY } from "@/lib/plans";

/** Usage against the limits in force, with the limits overridden for this organization marked. */
export function OrgUsage({ detail }: { detail: OrgDetail }) {
  const { usage } = detail;
  const overrides = usage.subscription?.limitOverrides ?? {};
  const executions = usage.metrics.find((m) => m.metric === "executions");
  return (
    <div className="grid gap-4 lg:grid-cols-5">
      <Card className="lg:col-span-3">
        <CardTitle>Executions this period</CardTitle>
        <ExecutionsChart points={detail.executionsThisPeriod} limit={executions?.limit ?? null} />
      </Card>
      <Card className="lg:col-span-2">
        <CardTitle>Usage vs limits</CardTitle>
        <ul className="mt-3 space-y-3">
          {usage.metrics.map((m) => {
            const overridden = METRIC_LIMIT_KEY[m.metric] in overrides;
            return (
              <li key={m.metric} data-testid={`admin-usage-${m.metric}`}>
                <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                  <span className="font-medium">
                    {METRIC_LABEL[m.metric]} {overridden ? <Badge tone="indigo">override</Badge> : null}
                  </span>
                  <span className="tabular text-zinc-600 dark:text-zinc-300">
                    {fmt(m.used, m.metric)} / {m.limit === null ? "unlimited" : fmt(m.limit, m.metric)}
                  </span>
                </div>
                {m.limit !== null ? (
                  <div className="mt-1">
                    <UsageBar percent={m.percent} label={`${METRIC_LABEL[m.metric]} used of limit`} />
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      </Card>
    </div>
  );
}
