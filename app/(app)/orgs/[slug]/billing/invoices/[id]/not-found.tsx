import { EmptyState } from "@/components/ui/empty-state";
import { ButtonLink } from "@/components/ui/button";

/** An invoice that doesn't exist, or belongs to another organization: the same answer for both. */
export default function InvoiceNotFound() {
  return (
    <EmptyState
      title="Invoice not found"
      action={
        <ButtonLink href="../invoices" variant="secondary">
          Back to invoices
        </ButtonLink>
      }
    >
      There is no such invoice in this organization. Check the link, or find it in the invoice history.
    </EmptyState>
  );
}
