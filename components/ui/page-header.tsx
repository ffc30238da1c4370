import Link from "next/link";

/**
 * The title block of a page (customer and console alike), with optional actions on the right (they
 * wrap below on a phone) and, on a detail page, a link back to its list.
 */
export function PageHeader({
  title,
  description,
  actions,
  back,
}: {
  title: React.ReactNode;
  description?: React.ReactNode;
  actions?: React.ReactNode;
  back?: { href: string; label: string };
}) {
  const header = (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
  if (!back) return header;
  return (
    <div className="space-y-2">
      <Link href={back.href} className="text-sm text-indigo-700 hover:underline dark:text-indigo-400">
        ← {back.label}
      </Link>
      {header}
    </div>
  );
}

/** A section heading inside a page. */
export function SectionHeading({
  id,
  children,
  aside,
}: {
  id?: string;
  children: React.ReactNode;
  aside?: React.ReactNode;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {children}
      </h2>
      {aside ? <div className="text-sm">{aside}</div> : null}
    </div>
  );
}
