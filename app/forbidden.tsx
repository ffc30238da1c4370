import { headers } from "next/headers";
import { logoutAction } from "@/app/actions/auth";
import Link from "next/link";
import { REQUEST_PATH_HEADER } from "@/lib/http/request-path";

/** What a refusal means where it happened: the admin console, or an organization's pages. */
function reasonFor(path: string): { title: string; body: string } {
  if (path === "/admin" || path.startsWith("/admin/") || path.startsWith("/admin?"))
    return {
      title: "The admin console is for platform staff",
      body: "Your account isn’t a platform admin, so the admin console stays closed to it. If you work on the platform team, ask an existing platform admin to give your account access; otherwise go back to your organizations.",
    };
  return {
    title: "You don’t have access to this page",
    body: "Your account is not a member of this organization, the organization doesn’t exist, or your role doesn’t allow this action. Ask an owner of the organization to invite you or change your role.",
  };
}

export default async function Forbidden() {
  const { title, body } = reasonFor((await headers()).get(REQUEST_PATH_HEADER) ?? "");
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 p-6">
      <p className="text-sm font-semibold text-red-600 dark:text-red-400">403 · Not allowed</p>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <p className="text-zinc-600 dark:text-zinc-400">{body}</p>
      <div className="flex flex-wrap gap-3">
        <Link
          href="/"
          className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white dark:bg-zinc-100 dark:text-zinc-900"
        >
          Go to my organizations
        </Link>
        {/* Signed in, /login would send us straight back: sign out first. */}
        <form action={logoutAction}>
          <button
            type="submit"
            className="rounded-md px-3 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 dark:text-zinc-200 dark:ring-zinc-700"
          >
            Sign in as someone else
          </button>
        </form>
      </div>
    </main>
  );
}
