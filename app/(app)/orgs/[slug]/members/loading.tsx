import { LoadingRegion, SkeletonCard, SkeletonHeader, SkeletonRows } from "@/components/ui/skeleton";

export default function MembersLoading() {
  return (
    <LoadingRegion label="Loading members…">
      <SkeletonHeader />
      <SkeletonCard lines={2} className="h-32" />
      <SkeletonRows rows={5} rowClass="h-16" />
    </LoadingRegion>
  );
}
