import { LoadingRegion, Skeleton, SkeletonCard } from "@/components/ui/skeleton";

export default function InvoiceLoading() {
  return (
    <LoadingRegion label="Loading the invoice…">
      <Skeleton className="h-4 w-24" />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-9 w-36" />
      </div>
      <SkeletonCard lines={3} className="h-32" />
      <Skeleton className="h-6 w-20" />
      <Skeleton className="h-56 w-full" />
      <Skeleton className="h-6 w-40" />
      <Skeleton className="h-48 w-full" />
    </LoadingRegion>
  );
}
