import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { loginAction } from "@/app/actions/auth";
import { LoginForm } from "@/components/auth/login-form";
import { safeNextPath } from "@/lib/auth/redirect";
import { getCurrentUser } from "@/lib/auth/session";
import { loadDemo } from "@/lib/server/demo";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

/** Auth.js passes absolute callback URLs (already on this origin): keep their path; safeNextPath checks it. */
function callbackPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.startsWith("/")) return typeof raw === "string" ? raw : "/";
  try {
    const url = new URL(raw);
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return "/";
  }
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{
    next?: string | string[];
    callbackUrl?: string | string[];
    error?: string | string[];
    signedOut?: string | string[];
    code?: string | string[];
  }>;
}) {
  const params = await searchParams;
  const error = typeof params.error === "string" ? params.error : undefined;
  // `next` from our own redirects, `callbackUrl` from Auth.js's (/api/auth/signin?callbackUrl=…):
  // either way only a path of this site, or nothing.
  const asked = safeNextPath(typeof params.next === "string" ? params.next : callbackPath(params.callbackUrl));
  const next = asked === "/" ? undefined : asked;
  const user = await getCurrentUser();
  if (user && error !== "no_organization") redirect(next ?? "/");
  // Demo data on (development, or SEED_DEMO=1): its accounts, from demo/.
  const demo = (await loadDemo())?.loginDemoAccounts() ?? null;
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-8 p-6">
      <div>
        <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">AgentBill</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Sign in</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Usage, plans and invoices for your organization.
        </p>
      </div>
      {params.signedOut === "everywhere" ? (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200 dark:bg-emerald-950/40 dark:text-emerald-200 dark:ring-emerald-900"
        >
          You were signed out on every browser and device. Sign in again here.
        </p>
      ) : null}
      {error === "CredentialsSignin" ? (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950/50 dark:text-red-200 dark:ring-red-900"
        >
          {params.code === "rate_limited"
            ? "Too many failed sign-ins. Wait 15 minutes and try again."
            : "That email and password don’t match an account. Check both and try again."}
        </p>
      ) : null}
      {error === "no_organization" ? (
        <p
          role="status"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900"
        >
          Your account isn’t a member of any organization yet. Ask an owner to invite you.
        </p>
      ) : null}
      <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
        <LoginForm action={loginAction} next={next} />
      </div>
      <p className="flex flex-wrap justify-between gap-2 text-sm">
        <Link href="/forgot-password" className="font-medium text-indigo-700 underline dark:text-indigo-400">
          Forgot your password?
        </Link>
        <Link href="/signup" className="font-medium text-indigo-700 underline dark:text-indigo-400">
          Create an organization
        </Link>
      </p>
      {demo ? (
        <section aria-labelledby="demo-accounts" className="text-sm">
          <h2 id="demo-accounts" className="font-medium">
            Demo accounts
          </h2>
          {/* Outside the heading: the section's name must not contain "password" (the form's field is the Password). */}
          <p className="mt-1 text-zinc-500">
            Demo data is on: each of these signs in with <code className="font-mono">{demo.password}</code>.
          </p>
          <ul className="mt-2 divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800">
            {demo.accounts.map((a) => (
              <li key={a.email + a.who} className="flex flex-wrap justify-between gap-2 px-3 py-2">
                <code className="font-mono">{a.email}</code>
                <span className="text-zinc-500">{a.who}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}
