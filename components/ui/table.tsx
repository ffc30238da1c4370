import Link from "next/link";

/**
 * Table pieces for lists, customer and console alike: a horizontally scrollable frame (so wide
 * tables stay usable at 375px) and sortable headers that are plain links (server-rendered, no JS).
 * Empty lists use EmptyState (empty-state.tsx).
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
