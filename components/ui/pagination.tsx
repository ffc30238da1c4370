import Link from "next/link";

/** Previous / next links and "Page 2 of 5"; the current page is kept in the URL (?page=). */
export function Pagination({
  page,
  pages,
  href,
  label = "Pagination",
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  label?: string;
}) {
  if (pages <= 1) return null;
  const link =
    "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-zinc-300 hover:bg-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-800";
  const off =
    "rounded-md px-3 py-1.5 text-sm font-medium text-zinc-400 ring-1 ring-zinc-200 dark:text-zinc-600 dark:ring-zinc-800";
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-3">
      {page > 1 ? (
        <Link href={href(page - 1)} className={link} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span aria-disabled="true" className={off}>
          ← Previous
        </span>
      )}
      <p className="tabular text-sm text-zinc-600 dark:text-zinc-400" aria-current="page">
        Page {page} of {pages}
      </p>
      {page < pages ? (
        <Link href={href(page + 1)} className={link} rel="next">
          Next →
        </Link>
      ) : (
        <span aria-disabled="true" className={off}>
          Next →
        </span>
      )}
    </nav>
  );
}
