import type { Metadata } from "next";
import Link from "next/link";
import { logoutAction } from "@/app/actions/auth";
import { AppHeader } from "@/components/app-header";
import { requirePlatformAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · AgentBill" } };

/** Gate one of two: the layout refuses non-admins; every admin page, action and route checks again. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePlatformAdmin();
  return (
    <>
      <AppHeader user={user} orgs={[]} isPlatformAdmin signOut={logoutAction} />
      <div className="mx-auto max-w-6xl px-4">
        <nav aria-label="Admin sections" className="flex gap-1 overflow-x-auto border-b border-zinc-200 py-2 text-sm dark:border-zinc-800">
          <Link href="/admin" className="rounded px-3 py-1.5 font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">
            Overview
          </Link>
        </nav>
      </div>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
