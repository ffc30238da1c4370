"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Section tabs of an organization; the current one is marked for screen readers too. On a narrow
 * screen the tabs scroll sideways: the current one is scrolled into view, and a fade with an
 * arrow button at either edge shows (and reaches) the tabs that don't fit.
 */
export function SectionNav({
  items,
  label,
}: {
  items: { href: string; label: string; exact?: boolean }[];
  label: string;
}) {
  const pathname = usePathname();
  const scroller = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState({ before: false, after: false });

  const measure = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const before = el.scrollLeft > 1;
    const after = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    setMore((m) => (m.before === before && m.after === after ? m : { before, after }));
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    el.querySelector<HTMLElement>('[aria-current="page"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [pathname, measure]);

  const page = (direction: 1 | -1) => {
    const el = scroller.current;
    if (el) el.scrollBy({ left: direction * Math.max(80, el.clientWidth * 0.6), behavior: "smooth" });
  };
  const edge =
    "absolute inset-y-0 z-10 flex w-10 items-center from-white from-40% to-transparent text-zinc-600 hover:text-zinc-900 dark:from-zinc-950 dark:text-zinc-300 dark:hover:text-zinc-100";

  return (
    <nav aria-label={label} className="relative -mb-px border-b border-zinc-200 text-sm dark:border-zinc-800">
      <div ref={scroller} onScroll={measure} className="flex gap-1 overflow-x-auto [scrollbar-width:none]">
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
      </div>
      {/* Pointer aids only: keyboard and screen-reader users reach every tab by Tab and the list. */}
      {more.before ? (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="tabs-scroll-back"
          onClick={() => page(-1)}
          className={`${edge} left-0 justify-start bg-gradient-to-r pl-0.5`}
        >
          <Chevron direction="left" />
        </button>
      ) : null}
      {more.after ? (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="tabs-scroll-more"
          onClick={() => page(1)}
          className={`${edge} right-0 justify-end bg-gradient-to-l pr-0.5`}
        >
          <Chevron direction="right" />
        </button>
      ) : null}
    </nav>
  );
}

function Chevron({ direction }: { direction: "left" | "right" }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className="size-5" aria-hidden="true">
      <path
        fillRule="evenodd"
        d={
          direction === "right"
            ? "M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0Z"
            : "M12.8 5.2a.75.75 0 0 1 0 1.06L9.06 10l3.74 3.74a.75.75 0 1 1-1.06 1.06L7.47 10.53a.75.75 0 0 1 0-1.06l4.27-4.27a.75.75 0 0 1 1.06 0Z"
        }
        clipRule="evenodd"
      />
    </svg>
  );
}
