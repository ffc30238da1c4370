import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { devMailbox } from "@/db/schema";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Development mailbox" };
export const dynamic = "force-dynamic";

const linksOf = (text: string) => [...new Set([...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]))];

/**
 * The development mailbox: with no SMTP_URL, `npm run dev` keeps every message here instead of
 * sending it, so invitations and resets can be followed on a fresh clone. Development only:
 * anywhere else this page does not exist.
 */
export default async function DevMailPage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  if (env().nodeEnv !== "development") notFound();
  const { id } = await searchParams;
  const db = await getDb();
  const list = await db
    .select({ id: devMailbox.id, to: devMailbox.to, subject: devMailbox.subject, createdAt: devMailbox.createdAt })
    .from(devMailbox)
    .orderBy(desc(devMailbox.createdAt))
    .limit(100);
  const selectedId = typeof id === "string" && /^[0-9a-f-]{36}$/.test(id) ? id : list[0]?.id;
  const [open] = selectedId ? await db.select().from(devMailbox).where(eq(devMailbox.id, selectedId)) : [];
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-6">
      <h1 className="text-2xl font-semibold tracking-tight">Development mailbox</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        No SMTP_URL is set, so messages land here instead of being sent. Newest first.
      </p>
      {list.length === 0 ? (
        <p>No messages yet. Invite someone or ask for a password reset.</p>
      ) : (
        <div className="grid gap-4 md:grid-cols-[18rem_1fr]">
          <ul className="divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800">
            {list.map((m) => (
              <li key={m.id}>
                <Link
                  href={`/dev/mail?id=${m.id}`}
                  aria-current={m.id === open?.id ? "true" : undefined}
                  className="block px-3 py-2 text-sm hover:bg-zinc-50 aria-[current=true]:bg-indigo-50 dark:hover:bg-zinc-900 dark:aria-[current=true]:bg-indigo-950"
                  data-testid="dev-mail-item"
                >
                  <span className="block truncate font-medium">{m.subject}</span>
                  <span className="block truncate text-xs text-zinc-500">
                    {m.to.join(", ")} · {m.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {open ? (
            <article className="space-y-3" aria-label="Message">
              <h2 className="text-lg font-semibold">{open.subject}</h2>
              <p className="text-sm text-zinc-600">To: {open.to.join(", ")}</p>
              {linksOf(open.text).length > 0 ? (
                <ul className="space-y-1 text-sm">
                  {linksOf(open.text).map((href) => (
                    <li key={href}>
                      <a href={href} className="break-all text-indigo-700 underline dark:text-indigo-400">
                        {href}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
              <iframe
                title="HTML part"
                srcDoc={open.html}
                sandbox=""
                className="h-[28rem] w-full rounded-lg bg-white ring-1 ring-zinc-200"
              />
              <details>
                <summary className="cursor-pointer text-sm font-medium">Plain-text part</summary>
                <pre className="mt-2 text-sm whitespace-pre-wrap" data-testid="dev-mail-text">
                  {open.text}
                </pre>
              </details>
            </article>
          ) : null}
        </div>
      )}
    </main>
  );
}
