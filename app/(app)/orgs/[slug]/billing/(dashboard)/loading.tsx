import { LoadingRegion, Skeleton, SkeletonHeader } from "@/components/ui/skeleton";

/**
 * The dashboard's skeleton while the server reads usage: the same blocks at about the same sizes
 * as the page, so little moves when it arrives. It lives in the (dashboard) route group so it wraps
 * only this page: a loading boundary above /billing/invoices/[id] would stream the page before
 * notFound() runs, and an unknown invoice would answer 200 instead of 404.
 */
const block = "rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800";

export default function Loading() {
  return (
    <LoadingRegion label="Loading billing and usage…">
      <SkeletonHeader title="h-8 w-56" text="w-72 max-w-full" />
      <div className={`${block} space-y-4 p-5`}>
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-8 w-40" />
        <div className="grid grid-cols-1 gap-4 min-[420px]:grid-cols-2 lg:grid-cols-4">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-10" />
          ))}
        </div>
      </div>
      <div>
        <Skeleton className="mb-3 h-6 w-44" />
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
          {Array.from({ length: 5 }, (_, i) => (
            <div key={i} className={`${block} h-44 space-y-3 p-4`}>
              <Skeleton className="h-4 w-20" />
              <Skeleton className="h-7 w-32" />
              <Skeleton className="mt-6 h-2 w-full" />
            </div>
          ))}
        </div>
      </div>
      <div className={`${block} h-24`} />
      <div className={`${block} space-y-4 p-5`}>
        <Skeleton className="h-6 w-48" />
        <Skeleton className="h-60 w-full" />
      </div>
    </LoadingRegion>
  );
}
