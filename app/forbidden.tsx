import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold text-red-600 dark:text-red-400">403 · Not allowed</p>
      <h1 className="text-2xl font-semibold tracking-tight">You don’t have access to this page</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        Your account is not a member of this organization, the organization doesn’t exist, or your role doesn’t allow
        this action. Ask an owner of the organization to invite you or change your role.
      </p>
      <div className="flex gap-3">
        <Link
          href="/"
          className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
        >
          Go to my organizations
        </Link>
        <Link
          href="/login"
          className="rounded-md px-3 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 dark:text-zinc-200 dark:ring-zinc-700"
        >
          Sign in as someone else
        </Link>
      </div>
    </main>
  );
}
