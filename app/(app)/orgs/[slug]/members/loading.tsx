import { LoadingRegion, Skeleton, SkeletonCard } from "@/components/ui/skeleton";

export default function MembersLoading() {
  return (
    <LoadingRegion label="Loading members…">
      <div className="space-y-2">
        <Skeleton className="h-7 w-32" />
        <Skeleton className="h-4 w-72" />
      </div>
      <SkeletonCard lines={2} className="h-32" />
      <div className="space-y-px overflow-hidden rounded-xl ring-1 ring-zinc-200 dark:ring-zinc-800">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-16 w-full rounded-none" />
        ))}
      </div>
    </LoadingRegion>
  );
}
