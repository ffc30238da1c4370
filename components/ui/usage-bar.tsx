/** A usage meter: amber from 80%, red at 100%. The state is also said in text, not by colour alone. */
export function UsageBar({ percent, label }: { percent: number | null; label: string }) {
  if (percent === null) {
    return <p className="text-xs text-zinc-500">Unlimited</p>;
  }
  const clamped = Math.min(100, Math.max(0, percent));
  const tone = percent >= 100 ? "bg-red-600" : percent >= 80 ? "bg-amber-500" : "bg-indigo-600";
  const state = percent >= 100 ? "Limit reached" : percent >= 80 ? "Nearing limit" : null;
  return (
    <div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={clamped}
        aria-valuetext={`${percent}% used${state ? `, ${state.toLowerCase()}` : ""}`}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
      >
        <div className={`h-full rounded-full ${tone}`} style={{ width: `${clamped}%` }} />
      </div>
      <p className="mt-1 flex justify-between text-xs text-zinc-500">
        <span>{percent}% used</span>
        {state ? (
          <span
            className={
              percent >= 100
                ? "font-medium text-red-700 dark:text-red-400"
                : "font-medium text-amber-700 dark:text-amber-400"
            }
          >
            {state}
          </span>
        ) : null}
      </p>
    </div>
  );
}
