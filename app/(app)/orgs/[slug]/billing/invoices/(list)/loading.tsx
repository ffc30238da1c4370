import { LoadingRegion, Skeleton } from "@/components/ui/skeleton";

/** The invoice list's skeleton; in the (list) route group so it does not wrap /invoices/[id] (see that page). */
export default function InvoicesLoading() {
  return (
    <LoadingRegion label="Loading invoices…">
      <div className="space-y-2">
        <Skeleton className="h-7 w-32" />
        <Skeleton className="h-4 w-full max-w-lg" />
      </div>
      <div className="space-y-px overflow-hidden rounded-xl ring-1 ring-zinc-200 dark:ring-zinc-800">
        <Skeleton className="h-9 w-full rounded-none" />
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-12 w-full rounded-none opacity-70" />
        ))}
      </div>
    </LoadingRegion>
  );
}
