/** Placeholder blocks while a page loads; sized like the content to avoid layout shift. */
export function Skeleton({ className = "" }: { className?: string }) {
  return <div aria-hidden="true" className={`animate-pulse rounded-md bg-zinc-200 dark:bg-zinc-800 ${className}`} />;
}

/** Wraps a loading layout: announced once as "Loading …" to screen readers. */
export function LoadingRegion({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div role="status" aria-live="polite" aria-busy="true" className="space-y-6">
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

export function SkeletonCard({ lines = 3, className = "" }: { lines?: number; className?: string }) {
  return (
    <div
      className={`space-y-3 rounded-xl bg-white p-5 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800 ${className}`}
    >
      <Skeleton className="h-4 w-1/3" />
      {Array.from({ length: lines }, (_, i) => (
        <Skeleton key={i} className={`h-3 ${i % 2 ? "w-2/3" : "w-5/6"}`} />
      ))}
    </div>
  );
}

/** A page header's place: the title (`title`: its height and width) and the line under it (`text`: its width). */
export function SkeletonHeader({ title = "h-7 w-32", text = "w-72" }: { title?: string; text?: string }) {
  return (
    <div className="space-y-2">
      <Skeleton className={title} />
      <Skeleton className={`h-4 ${text}`} />
    </div>
  );
}

/** A list's place: `rows` flat rows of `rowClass` (height, opacity) in a framed box, after an optional header row. */
export function SkeletonRows({ rows, rowClass, header = false }: { rows: number; rowClass: string; header?: boolean }) {
  return (
    <div className="space-y-px overflow-hidden rounded-xl ring-1 ring-zinc-200 dark:ring-zinc-800">
      {header ? <Skeleton className="h-9 w-full rounded-none" /> : null}
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className={`w-full rounded-none ${rowClass}`} />
      ))}
    </div>
  );
}
