import Link from "next/link";

/** 30 / 90 / 365 days as links (server-rendered, keyboard reachable); the current one is marked. */
export function RangeSwitch({
  options,
  current,
  hrefFor,
}: {
  options: readonly number[];
  current: number;
  hrefFor: (days: number) => string;
}) {
  return (
    <nav aria-label="History range">
      <ul className="inline-flex rounded-lg bg-zinc-100 p-0.5 text-sm dark:bg-zinc-800">
        {options.map((days) => {
          const active = days === current;
          return (
            <li key={days}>
              <Link
                href={hrefFor(days)}
                scroll={false}
                aria-current={active ? "true" : undefined}
                className={`block rounded-md px-3 py-1.5 font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${
                  active
                    ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-950 dark:text-zinc-100"
                    : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
                }`}
              >
                {days} days
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
