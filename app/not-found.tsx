import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold text-zinc-500">404 · Not found</p>
      <h1 className="text-2xl font-semibold tracking-tight">This page doesn’t exist</h1>
      <p className="text-zinc-600 dark:text-zinc-400">Check the address, or go back to your organizations.</p>
      <Link
        href="/"
        className="w-fit rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
      >
        Go home
      </Link>
    </main>
  );
}
