import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { loginAction } from "@/app/actions/auth";
import { LoginForm } from "@/components/auth/login-form";
import { DEMO_ADMIN, DEMO_ORGS, DEMO_PASSWORD } from "@/db/seed";
import { getCurrentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; error?: string }>;
}) {
  const { next, error } = await searchParams;
  const user = await getCurrentUser();
  if (user && error !== "no_organization") redirect("/");
  const showDemo = env().nodeEnv === "development";
  const demoAccounts = [
    { email: DEMO_ADMIN.email, who: "Platform admin" },
    ...DEMO_ORGS.flatMap((o) =>
      o.members
        .filter((m) => m.role !== "member" || m.email.startsWith("member@"))
        .map((m) => ({ email: m.email, who: `${m.role} · ${o.name} (${o.plan})` })),
    ),
  ];
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-8 p-6">
      <div>
        <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">AgentBill</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Sign in</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Usage, plans and invoices for your organization.
        </p>
      </div>
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
      {showDemo ? (
        <section aria-labelledby="demo-accounts" className="text-sm">
          <h2 id="demo-accounts" className="font-medium">
            Demo accounts{" "}
            <span className="font-normal text-zinc-500">
              (development only · password <code className="font-mono">{DEMO_PASSWORD}</code>)
            </span>
          </h2>
          <ul className="mt-2 divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800">
            {demoAccounts.map((a) => (
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
