import { auditCsv, auditQuerySchema } from "@/lib/admin";
import { readQuery, withPlatformAdmin } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The audit log as CSV (same filters as the page), streamed in batches. */
export const GET = withPlatformAdmin(async (req, { db }) => {
  const lines = auditCsv(db, readQuery(req, auditQuerySchema));
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
