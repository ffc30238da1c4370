/** The frame of the signed-out pages (sign in, sign up, invitations, password reset). */
export function AuthShell({
  title,
  intro,
  children,
  below,
}: {
  title: string;
  intro?: React.ReactNode;
  children: React.ReactNode;
  below?: React.ReactNode;
}) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-6 p-6">
      <div>
        <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">AgentBill</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">{title}</h1>
        {intro ? <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{intro}</div> : null}
      </div>
      <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
        {children}
      </div>
      {below ? <div className="text-sm text-zinc-600 dark:text-zinc-400">{below}</div> : null}
    </main>
  );
}
