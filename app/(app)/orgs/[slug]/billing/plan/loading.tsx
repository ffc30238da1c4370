import { LoadingRegion, Skeleton, SkeletonCard, SkeletonHeader } from "@/components/ui/skeleton";

export default function PlanLoading() {
  return (
    <LoadingRegion label="Loading the plan page…">
      <SkeletonHeader title="h-7 w-24" text="w-full max-w-xl" />
      <SkeletonCard lines={2} className="h-36" />
      <div className="space-y-4">
        <Skeleton className="h-6 w-20" />
        <Skeleton className="h-9 w-48" />
        <div className="grid gap-4 md:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <SkeletonCard key={i} lines={7} className="h-[26rem]" />
          ))}
        </div>
      </div>
      <SkeletonCard lines={1} className="h-28" />
    </LoadingRegion>
  );
}
