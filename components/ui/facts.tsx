/** Plain label/value pairs in a responsive grid. */
export function Facts({ items }: { items: { label: string; value: React.ReactNode; testId?: string }[] }) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
      {items.map((i) => (
        <div key={i.label} className="min-w-0">
          <dt className="text-zinc-500 dark:text-zinc-400">{i.label}</dt>
          <dd className="break-words font-medium" data-testid={i.testId}>
            {i.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** An identifier or other machine text inline (ids, event types, secrets' prefixes). */
export function Mono({ children }: { children: React.ReactNode }) {
  return (
    <code className="break-all rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{children}</code>
  );
}
