"use server";

import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { adminAction } from "@/lib/http/action";
import { kickJob } from "@/lib/jobs";
import { MAIL_JOB, retryOutboxMessage } from "@/lib/mail";

const retrySchema = z.object({ reason: z.string().trim().min(3, "Say why (at least 3 characters).").max(500) });

/** Try a message that gave up again (the page binds its id). */
export const retryMailAction = adminAction(
  {
    schema: retrySchema,
    message: "Queued again: the mail worker sends it within seconds.",
    revalidate: () => ["/admin/mail"],
  },
  async (input, { db, actor }, id: string) => {
    if (!z.uuid().safeParse(id).success) throw new AppError("not_found", "No such message.");
    await db.transaction(async (tx) => {
      if (!(await retryOutboxMessage(tx, id)))
        throw new AppError("conflict", "Only a message that gave up can be tried again.");
      await recordAudit(tx, { actor, action: "mail.retried", targetType: "outbox", targetId: id, details: input });
    });
    kickJob(MAIL_JOB);
    return null;
  },
);
