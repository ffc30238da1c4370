import Link from "next/link";

/**
 * Previous / next links and "Page 2 of 5"; the current page is kept in the URL (?page=). With
 * `numbered`, a few page numbers around the current one instead (long lists in the console).
 */
export function Pagination({
  page,
  pages,
  href,
  label = "Pagination",
  numbered = false,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  label?: string;
  numbered?: boolean;
}) {
  if (numbered) return <NumberedPagination page={page} pages={pages} href={href} label={label} />;
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

function NumberedPagination({
  page,
  pages,
  href,
  label,
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  label: string;
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
