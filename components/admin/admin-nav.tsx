"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin", label: "Overview" },
  { href: "/admin/orgs", label: "Organizations" },
  { href: "/admin/flags", label: "Feature flags" },
  { href: "/admin/webhooks", label: "Webhooks" },
  { href: "/admin/webhook-endpoints", label: "Endpoints" },
  { href: "/admin/mail", label: "Email" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/health", label: "Health" },
];

/** The admin sections; the current one is marked for people and for screen readers. */
export function AdminNav() {
  const path = usePathname();
  return (
    <nav
      aria-label="Admin sections"
      className="-mx-4 flex gap-1 overflow-x-auto border-b border-zinc-200 px-4 py-2 text-sm dark:border-zinc-800"
    >
      {LINKS.map((l) => {
        const current = l.href === "/admin" ? path === "/admin" : path === l.href || path.startsWith(`${l.href}/`);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={current ? "page" : undefined}
            className="shrink-0 rounded px-3 py-1.5 font-medium text-zinc-600 hover:bg-zinc-100 aria-[current=page]:bg-zinc-900 aria-[current=page]:text-white dark:text-zinc-300 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-100 dark:aria-[current=page]:text-zinc-900"
          >
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
