import { DEMO_ADMIN, DEMO_ORGS, DEMO_PASSWORD } from "./data";

export type DemoAccount = { email: string; who: string };

/** What the login page lists when demo data is on: the staff account, and each organization's owner, admin and first member. */
export function loginDemoAccounts(): { password: string; accounts: DemoAccount[] } {
  return {
    password: DEMO_PASSWORD,
    accounts: [
      { email: DEMO_ADMIN.email, who: "Platform admin" },
      ...DEMO_ORGS.flatMap((o) =>
        o.members
          .filter((m) => m.role !== "member" || m.email.startsWith("member@"))
          .map((m) => ({ email: m.email, who: `${m.role} · ${o.name} (${o.plan})` })),
      ),
    ],
  };
}
