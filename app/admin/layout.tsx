import type { Metadata } from "next";
import { logoutAction } from "@/app/actions/auth";
import { AdminNav } from "@/components/admin/admin-nav";
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
        <AdminNav />
      </div>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
