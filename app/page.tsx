import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** Home: straight to the first organization's billing, the admin console, or sign-in. */
export default async function Home() {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  const first = user.memberships[0];
  if (first) redirect(`/orgs/${first.slug}/billing`);
  if (user.isPlatformAdmin) redirect("/admin");
  redirect("/login?error=no_organization");
}
