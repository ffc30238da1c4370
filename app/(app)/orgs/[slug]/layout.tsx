import Link from "next/link";
import { logoutAction } from "@/app/actions/auth";
import { AppHeader } from "@/components/app-header";
import { requireOrgRole } from "@/lib/auth/session";

export default async function OrgLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { user, organization } = await requireOrgRole(slug, "member");
  const orgs = user.memberships.map((m) => ({ slug: m.slug, name: m.name }));
  return (
    <>
      <AppHeader
        user={user}
        orgs={orgs}
        current={{ slug: organization.slug, name: organization.name }}
        isPlatformAdmin={user.isPlatformAdmin}
        signOut={logoutAction}
      />
      <div className="mx-auto max-w-6xl px-4">
        <nav aria-label="Sections" className="flex gap-1 overflow-x-auto border-b border-zinc-200 py-2 text-sm dark:border-zinc-800">
          <Link href={`/orgs/${slug}/billing`} className="rounded px-3 py-1.5 font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800">
            Billing &amp; usage
          </Link>
        </nav>
      </div>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
