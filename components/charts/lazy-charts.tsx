"use client";

import dynamic from "next/dynamic";
import { useEffect, useRef, useState, type ComponentProps, type ComponentType } from "react";

/**
 * The history charts, loaded after the page: recharts is the heaviest library on the dashboard,
 * so it stays out of the first-load JavaScript. Each chart also waits until its box comes near the
 * viewport (or the page is printed): they sit below the fold, and drawing them all after hydration
 * kept the main thread busy for several hundred milliseconds. (The period chart at the top is an
 * SVG drawn on the server: components/dashboard/period-svg-chart.tsx.) Each placeholder has the
 * chart's exact height, so the page does not move when a chart arrives; the text summary and
 * table beside it are already there.
 */

function Placeholder({ height }: { height: string }) {
  return <div aria-hidden="true" className={`${height} w-full rounded-md bg-zinc-100/60 dark:bg-zinc-800/40`} />;
}

/** How far below (and above) the viewport a chart starts drawing, so it is there when the reader scrolls to it. */
const AHEAD = "200px 0px";

/** Renders `children` once the placeholder is within AHEAD of the viewport, or before printing. */
function WhenNear({ height, children }: { height: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const box = ref.current;
    if (near || !box) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), {
      rootMargin: AHEAD,
    });
    observer.observe(box);
    const print = () => setNear(true);
    window.addEventListener("beforeprint", print);
    return () => {
      observer.disconnect();
      window.removeEventListener("beforeprint", print);
    };
  }, [near]);
  return near ? (
    children
  ) : (
    <div ref={ref}>
      <Placeholder height={height} />
    </div>
  );
}

function deferred<P extends object>(Chart: ComponentType<P>, height: string) {
  function DeferredChart(props: P) {
    return (
      <WhenNear height={height}>
        <Chart {...props} />
      </WhenNear>
    );
  }
  return DeferredChart;
}

const DailyBars = dynamic(() => import("./usage-charts").then((m) => m.DailyBarsChart), {
  ssr: false,
  loading: () => <Placeholder height="h-60" />,
});

const Gauge = dynamic(() => import("./usage-charts").then((m) => m.GaugeChart), {
  ssr: false,
  loading: () => <Placeholder height="h-44" />,
});

export const DailyBarsChart = deferred<ComponentProps<typeof DailyBars>>(DailyBars, "h-60");
export const GaugeChart = deferred<ComponentProps<typeof Gauge>>(Gauge, "h-44");
