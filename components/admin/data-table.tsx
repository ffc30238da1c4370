import Link from "next/link";

/**
 * Table pieces for admin lists: a horizontally scrollable frame (so wide tables stay usable
 * at 375px), sortable headers that are plain links (server-rendered, no JS), and empty states.
 */

export function TableFrame({ children, label }: { children: React.ReactNode; label: string }) {
  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="w-full min-w-max text-left text-sm" aria-label={label}>
        {children}
      </table>
    </div>
  );
}

export function THead({ children }: { children: React.ReactNode }) {
  return (
    <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
      <tr>{children}</tr>
    </thead>
  );
}

export function Th({
  children,
  className = "",
  align = "left",
}: {
  children?: React.ReactNode;
  className?: string;
  align?: "left" | "right";
}) {
  return (
    <th scope="col" className={`px-3 py-2 font-medium ${align === "right" ? "text-right" : ""} ${className}`}>
      {children}
    </th>
  );
}

/** A header that sorts by `sortKey`: clicking the current column flips the direction. */
export function SortTh({
  label,
  sortKey,
  current,
  dir,
  defaultDir = "asc",
  href,
  className = "",
  align = "left",
}: {
  label: string;
  sortKey: string;
  current: string;
  dir: "asc" | "desc";
  defaultDir?: "asc" | "desc";
  href: (sort: string, dir: "asc" | "desc") => string;
  className?: string;
  align?: "left" | "right";
}) {
  const active = current === sortKey;
  const next = active ? (dir === "asc" ? "desc" : "asc") : defaultDir;
  return (
    <th
      scope="col"
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
      className={`px-3 py-2 font-medium ${align === "right" ? "text-right" : ""} ${className}`}
    >
      <Link
        href={href(sortKey, next)}
        className="inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100"
      >
        {label}
        <span
          aria-hidden
          className={active ? "text-indigo-600 dark:text-indigo-400" : "text-zinc-300 dark:text-zinc-600"}
        >
          {active ? (dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </Link>
    </th>
  );
}

export function TBody({ children }: { children: React.ReactNode }) {
  return <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>;
}

export function Td({
  children,
  className = "",
  align = "left",
}: {
  children?: React.ReactNode;
  className?: string;
  align?: "left" | "right";
}) {
  return (
    <td className={`px-3 py-2 align-top ${align === "right" ? "tabular text-right" : ""} ${className}`}>{children}</td>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-zinc-300 px-6 py-10 text-center dark:border-zinc-700">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{children}</div> : null}
    </div>
  );
}

/** Previous / next and a few page numbers around the current one. */
export function Pagination({
  page,
  pages,
  href,
  label = "Pages",
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  label?: string;
}) {
  if (pages <= 1 && page <= 1) return null;
  const around = [...new Set([1, page - 1, page, page + 1, pages])]
    .filter((p) => p >= 1 && p <= pages)
    .sort((a, b) => a - b);
  const link =
    "rounded-md px-3 py-1.5 ring-1 ring-zinc-300 hover:bg-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800";
  return (
    <nav aria-label={label} className="flex flex-wrap items-center gap-2 text-sm">
      {page > 1 ? (
        <Link href={href(page - 1)} className={link} rel="prev">
          ← Previous
        </Link>
      ) : null}
      {around.map((p, i) => (
        <span key={p} className="flex items-center gap-2">
          {i > 0 && p - around[i - 1]! > 1 ? (
            <span aria-hidden className="text-zinc-400">
              …
            </span>
          ) : null}
          {p === page ? (
            <span aria-current="page" className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white">
              {p}
            </span>
          ) : (
            <Link href={href(p)} className={link}>
              {p}
            </Link>
          )}
        </span>
      ))}
      {page < pages ? (
        <Link href={href(page + 1)} className={link} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  );
}
