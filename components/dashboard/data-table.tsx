/** A chart's data as a table, folded away in a <details> so the page stays short; keyboard reachable. */
export function DataTable({
  summary,
  caption,
  columns,
  rows,
  testId,
}: {
  summary: string;
  caption: string;
  columns: { label: string; numeric?: boolean }[];
  rows: { key: string; cells: React.ReactNode[] }[];
  testId?: string;
}) {
  return (
    <details className="group mt-3 text-sm" data-testid={testId}>
      <summary className="cursor-pointer rounded font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-indigo-400">
        {summary}
      </summary>
      <div
        className="mt-2 max-h-96 overflow-auto rounded-lg ring-1 ring-zinc-200 dark:ring-zinc-800"
        tabIndex={0}
        role="region"
        aria-label={caption}
      >
        <table className="tabular w-full text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="sticky top-0 z-[1] bg-zinc-50 text-xs text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
            <tr>
              {columns.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  className={`px-2 py-2 font-medium whitespace-nowrap sm:px-3 ${c.numeric ? "text-right" : ""}`}
                >
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {rows.map((r) => (
              <tr key={r.key}>
                {r.cells.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row" className="px-2 py-1.5 font-normal whitespace-nowrap sm:px-3">
                      {cell}
                    </th>
                  ) : (
                    <td
                      key={i}
                      className={`px-2 py-1.5 whitespace-nowrap sm:px-3 ${columns[i]?.numeric ? "text-right" : ""}`}
                    >
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
