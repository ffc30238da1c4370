import { LoadingRegion, SkeletonHeader, SkeletonRows } from "@/components/ui/skeleton";

/** The invoice list's skeleton; in the (list) route group so it does not wrap /invoices/[id] (see that page). */
export default function InvoicesLoading() {
  return (
    <LoadingRegion label="Loading invoices…">
      <SkeletonHeader text="w-full max-w-lg" />
      <SkeletonRows header rows={6} rowClass="h-12 opacity-70" />
    </LoadingRegion>
  );
}
