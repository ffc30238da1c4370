import Link from "next/link";

/** The title block of an admin page, with optional actions on the right and, on a detail page, a link back to its list. */
export function PageHeader({
  title,
  description,
  actions,
  back,
}: {
  title: string;
  description?: React.ReactNode;
  actions?: React.ReactNode;
  back?: { href: string; label: string };
}) {
  const header = (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p> : null}
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

export function SectionTitle({
  id,
  children,
  aside,
}: {
  id?: string;
  children: React.ReactNode;
  aside?: React.ReactNode;
}) {
  return (
    <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {children}
      </h2>
      {aside ? <div className="text-sm">{aside}</div> : null}
    </div>
  );
}

export function Notice({
  tone = "neutral",
  children,
  role,
}: {
  tone?: "neutral" | "red" | "amber" | "green";
  children: React.ReactNode;
  role?: "alert" | "status";
}) {
  const tones = {
    neutral: "bg-zinc-100 text-zinc-800 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-200 dark:ring-zinc-800",
    red: "bg-red-50 text-red-900 ring-red-200 dark:bg-red-950/40 dark:text-red-200 dark:ring-red-900",
    amber: "bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900",
    green:
      "bg-emerald-50 text-emerald-900 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900",
  } as const;
  return (
    <div role={role} className={`rounded-lg px-4 py-3 text-sm ring-1 ${tones[tone]}`}>
      {children}
    </div>
  );
}

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

export function Mono({ children }: { children: React.ReactNode }) {
  return (
    <code className="break-all rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs dark:bg-zinc-800">{children}</code>
  );
}
