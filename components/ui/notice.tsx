export type NoticeTone = "info" | "success" | "warning" | "error" | "neutral";

const TONES: Record<NoticeTone, string> = {
  info: "bg-indigo-50 text-indigo-950 ring-indigo-200 dark:bg-indigo-950/40 dark:text-indigo-100 dark:ring-indigo-900",
  success:
    "bg-emerald-50 text-emerald-950 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-100 dark:ring-emerald-900",
  warning: "bg-amber-50 text-amber-950 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-900",
  error: "bg-red-50 text-red-950 ring-red-200 dark:bg-red-950/40 dark:text-red-100 dark:ring-red-900",
  neutral: "bg-zinc-100 text-zinc-800 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-200 dark:ring-zinc-800",
};

/** An inline message: a title, a sentence or two, and optionally an action on the right. */
export function Notice({
  tone = "neutral",
  title,
  children,
  action,
  role,
  testId,
}: {
  tone?: NoticeTone;
  title?: React.ReactNode;
  children?: React.ReactNode;
  action?: React.ReactNode;
  role?: "alert" | "status" | "note";
  testId?: string;
}) {
  return (
    <div
      role={role}
      data-testid={testId}
      className={`flex flex-col gap-3 rounded-lg px-4 py-3 text-sm ring-1 sm:flex-row sm:items-center sm:justify-between ${TONES[tone]}`}
    >
      <div className="min-w-0 space-y-0.5">
        {title ? <p className="font-semibold">{title}</p> : null}
        {children ? <div>{children}</div> : null}
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
