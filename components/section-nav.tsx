"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Section tabs of an organization; the current one is marked for screen readers too. */
export function SectionNav({
  items,
  label,
}: {
  items: { href: string; label: string; exact?: boolean }[];
  label: string;
}) {
  const pathname = usePathname();
  return (
    <nav
      aria-label={label}
      className="-mb-px flex gap-1 overflow-x-auto border-b border-zinc-200 text-sm dark:border-zinc-800"
    >
      {items.map((item) => {
        const active = item.exact
          ? pathname === item.href
          : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap border-b-2 px-3 py-2.5 font-medium transition-colors ${
              active
                ? "border-indigo-600 text-zinc-900 dark:border-indigo-400 dark:text-zinc-100"
                : "border-transparent text-zinc-600 hover:border-zinc-300 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-200"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
