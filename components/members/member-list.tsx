import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatDate } from "@/lib/format";

export type MemberItem = {
  membershipId: string;
  name: string;
  email: string;
  role: "owner" | "admin" | "member";
  joinedAt: Date;
  isYou: boolean;
};

const ROLE_TONE: Record<MemberItem["role"], BadgeTone> = { owner: "indigo", admin: "green", member: "neutral" };
const ROLE_LABEL: Record<MemberItem["role"], string> = { owner: "Owner", admin: "Admin", member: "Member" };

function initials(name: string, email: string) {
  const parts = (name || email).split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts[1]?.[0] ?? "")).toUpperCase() || "?";
}

/** The members, owners first; `actions` renders the controls of a row (nothing for read-only viewers). */
export function MemberList({
  members,
  actions,
  locale,
}: {
  members: MemberItem[];
  actions: (m: MemberItem) => React.ReactNode;
  locale: string;
}) {
  return (
    <ul
      className="divide-y divide-zinc-100 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
      aria-label="Members"
    >
      {members.map((m) => {
        const controls = actions(m);
        return (
          <li
            key={m.membershipId}
            data-testid="member-row"
            className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-center sm:justify-between"
          >
            <div className="flex min-w-0 items-center gap-3">
              <span
                aria-hidden="true"
                className="flex size-9 shrink-0 items-center justify-center rounded-full bg-zinc-100 text-xs font-semibold text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
              >
                {initials(m.name, m.email)}
              </span>
              <div className="min-w-0">
                <p className="flex flex-wrap items-center gap-2 font-medium">
                  <span className="truncate">{m.name}</span>
                  {m.isYou ? <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">(you)</span> : null}
                  <Badge tone={ROLE_TONE[m.role]}>{ROLE_LABEL[m.role]}</Badge>
                </p>
                <p className="flex flex-col text-sm text-zinc-600 sm:flex-row sm:gap-x-1.5 dark:text-zinc-400">
                  <span className="min-w-0 truncate">{m.email}</span>
                  <span aria-hidden="true" className="hidden sm:inline">
                    ·
                  </span>
                  <span className="whitespace-nowrap">Joined {formatDate(m.joinedAt, locale)}</span>
                </p>
              </div>
            </div>
            {controls ? <div className="sm:shrink-0">{controls}</div> : null}
          </li>
        );
      })}
    </ul>
  );
}
