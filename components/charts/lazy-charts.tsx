"use client";

import dynamic from "next/dynamic";

/**
 * The charts, loaded after the page: recharts is the heaviest library on the dashboard, so it
 * stays out of the first-load JavaScript. Each placeholder has the chart's exact height, so the
 * page does not move when a chart arrives; the text summary and table beside it are already there.
 */

function Placeholder({ height }: { height: string }) {
  return <div aria-hidden="true" className={`${height} w-full rounded-md bg-zinc-100/60 dark:bg-zinc-800/40`} />;
}

export const PeriodExecutionsChart = dynamic(() => import("./usage-charts").then((m) => m.PeriodExecutionsChart), {
  ssr: false,
  loading: () => <Placeholder height="h-60" />,
});

export const DailyBarsChart = dynamic(() => import("./usage-charts").then((m) => m.DailyBarsChart), {
  ssr: false,
  loading: () => <Placeholder height="h-60" />,
});

export const GaugeChart = dynamic(() => import("./usage-charts").then((m) => m.GaugeChart), {
  ssr: false,
  loading: () => <Placeholder height="h-44" />,
});
