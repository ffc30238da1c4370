import type { DocumentParty } from "@/lib/invoices";

/** Who issued the invoice and who it is made out to, as on the PDF. */
export function InvoiceParties({
  seller,
  customer,
  editHref,
}: {
  seller: DocumentParty;
  customer: DocumentParty;
  /** Where an owner or admin edits the billing details (null for others). */
  editHref: string | null;
}) {
  return (
    <div className="grid gap-5 text-sm sm:grid-cols-2">
      <Party title="From" party={seller} testId="invoice-seller" />
      <div>
        <Party title="Billed to" party={customer} testId="invoice-customer" />
        {editHref && customer.addressLines.length === 0 ? (
          <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
            No billing address yet.{" "}
            <a
              href={editHref}
              className="font-medium text-indigo-700 underline underline-offset-2 dark:text-indigo-300"
            >
              Add billing details
            </a>{" "}
            to print your address and tax ID on invoices.
          </p>
        ) : null}
      </div>
    </div>
  );
}

function Party({ title, party, testId }: { title: string; party: DocumentParty; testId: string }) {
  return (
    <div className="min-w-0" data-testid={testId}>
      <h2 className="text-zinc-600 dark:text-zinc-400">{title}</h2>
      <p className="mt-0.5 font-medium break-words">{party.name}</p>
      <address className="text-zinc-700 not-italic dark:text-zinc-300">
        {party.addressLines.map((l) => (
          <span key={l} className="block break-words">
            {l}
          </span>
        ))}
        {party.email ? <span className="block break-words">{party.email}</span> : null}
        {party.taxId ? (
          <span className="block">
            {party.taxId.label}: <span className="tabular">{party.taxId.value}</span>
          </span>
        ) : null}
      </address>
    </div>
  );
}
