import "server-only";
import { and, eq, like, sql } from "drizzle-orm";
import { z } from "zod";
import { invoiceLines, invoices, organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type Actor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { multiplyMinor, sumMinor } from "@/lib/money";

export const manualInvoiceSchema = z.object({
  currency: z
    .string()
    .regex(/^[a-z]{3}$/, "Use a three-letter currency code like usd.")
    .default("usd"),
  dueInDays: z
    .number({ error: "Due days are a whole number." })
    .int()
    .min(0, "Due days can't be negative.")
    .max(120, "Due within 120 days at most.")
    .default(30),
  memo: z.string().trim().max(500, "Keep the memo under 500 characters.").optional(),
  lines: z
    .array(
      z.object({
        description: z.string().trim().min(1, "Each line needs a description.").max(200),
        quantity: z
          .number({ error: "Quantity must be a whole number." })
          .int("Quantity must be a whole number.")
          .min(1, "Quantity must be at least 1.")
          .max(1_000_000),
        unitAmountCents: z
          .number({ error: "Amounts are in cents: a whole number." })
          .int("Amounts are in cents: a whole number.")
          .min(0)
          .max(100_000_000),
      }),
    )
    .min(1, "Add at least one line.")
    .max(50, "At most 50 lines."),
});
export type ManualInvoiceInput = z.input<typeof manualInvoiceSchema>;

/**
 * A local invoice with custom lines (Enterprise deals billed outside Stripe). Same model and
 * PDF as Stripe invoices; numbered `<SLUG>-M-0001` per organization. One audit row
 * (`invoice.manual_created`, with the reason when given) in the same transaction.
 */
export async function createManualInvoice(
  db: Queryable,
  input: { organizationId: string; actor: Actor; now?: Date; reason?: string } & ManualInvoiceInput,
): Promise<{ id: string; number: string }> {
  const data = manualInvoiceSchema.parse(input);
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [org] = await tx
      .select({ slug: organizations.slug })
      .from(organizations)
      .where(eq(organizations.id, input.organizationId))
      .for("update");
    if (!org) throw new AppError("not_found", "No such organization.");
    const prefix = `${org.slug.toUpperCase()}-M-`;
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(invoices)
      .where(and(eq(invoices.organizationId, input.organizationId), like(invoices.number, `${prefix}%`)));
    const number = `${prefix}${String(Number(n) + 1).padStart(4, "0")}`;
    const amounts = data.lines.map((l) => multiplyMinor(l.unitAmountCents, l.quantity));
    const total = sumMinor(amounts);
    const [inv] = await tx
      .insert(invoices)
      .values({
        organizationId: input.organizationId,
        source: "manual",
        number,
        status: "open",
        currency: data.currency,
        subtotalCents: total,
        totalCents: total,
        amountDueCents: total,
        dueDate: new Date(now.getTime() + data.dueInDays * 86_400_000),
        memo: data.memo ?? null,
        issuedAt: now,
      })
      .returning({ id: invoices.id });
    await tx.insert(invoiceLines).values(
      data.lines.map((l, i) => ({
        invoiceId: inv!.id,
        kind: "manual" as const,
        description: l.description,
        quantity: l.quantity,
        unitAmountCents: l.unitAmountCents,
        amountCents: amounts[i]!,
        currency: data.currency,
        position: i,
      })),
    );
    await recordAudit(tx, {
      actor: input.actor,
      action: "invoice.manual_created",
      targetType: "invoice",
      targetId: inv!.id,
      organizationId: input.organizationId,
      details: {
        number,
        before: null,
        after: { number, status: "open", totalCents: total, currency: data.currency, lines: data.lines.length },
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    return { id: inv!.id, number };
  });
}
