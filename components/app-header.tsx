import Link from "next/link";

type Org = { slug: string; name: string };

/** Top bar for signed-in pages. Gets everything as props; the sign-out action is passed in. */
export function AppHeader({
  user,
  orgs,
  current,
  isPlatformAdmin,
  signOut,
}: {
  user: { name: string; email: string };
  orgs: Org[];
  current?: Org;
  isPlatformAdmin: boolean;
  signOut: () => Promise<void>;
}) {
  return (
    <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <div className="flex items-center gap-3">
          <Link href="/" className="font-semibold tracking-tight text-indigo-700 dark:text-indigo-400">
            AgentBill
          </Link>
          {current ? (
            <nav aria-label="Organizations" className="flex items-center gap-1 text-sm">
              <span className="text-zinc-400" aria-hidden>
                /
              </span>
              {orgs.length > 1 ? (
                <details className="relative">
                  <summary className="cursor-pointer list-none rounded px-2 py-1 font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">
                    {current.name} <span aria-hidden>▾</span>
                  </summary>
                  <ul className="absolute z-10 mt-1 min-w-48 rounded-md bg-white py-1 shadow-lg ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-700">
                    {orgs.map((o) => (
                      <li key={o.slug}>
                        <Link
                          href={`/orgs/${o.slug}/billing`}
                          aria-current={o.slug === current.slug ? "page" : undefined}
                          className="block px-3 py-1.5 hover:bg-zinc-100 aria-[current=page]:font-semibold dark:hover:bg-zinc-800"
                        >
                          {o.name}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </details>
              ) : (
                <span className="px-2 py-1 font-medium">{current.name}</span>
              )}
            </nav>
          ) : null}
        </div>
        <div className="flex items-center gap-3 text-sm">
          {isPlatformAdmin ? (
            <Link
              href="/admin"
              className="rounded px-2 py-1 font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              Admin
            </Link>
          ) : null}
          <Link
            href="/account"
            title={`${user.email}: password and sessions`}
            className="rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
          >
            <span className="hidden sm:inline">{user.name}</span>
            <span className="sm:hidden">Account</span>
          </Link>
          <form action={signOut}>
            <button
              type="submit"
              className="rounded px-2 py-1 text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-100 dark:text-zinc-300 dark:ring-zinc-700 dark:hover:bg-zinc-800"
            >
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
