/** Pretty JSON in a scrollable block (payloads, audit details). */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <pre
      aria-label={label}
      tabIndex={0}
      className="max-h-[32rem] overflow-auto rounded-lg bg-zinc-950 p-4 font-mono text-xs leading-relaxed text-zinc-100 ring-1 ring-zinc-800"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
