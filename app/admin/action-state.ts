import "server-only";
import { revalidatePath } from "next/cache";
import type { ActionState } from "@/components/admin/action-form";
import { getDb } from "@/db/client";
import type { Db } from "@/db/types";
import { userActor, type UserActor } from "@/lib/audit";
import { requirePlatformAdmin } from "@/lib/auth/session";
import { runAction } from "@/lib/http/action";

/**
 * The shape of every admin server action: platform admin again (gate two), then the body with
 * the database and the acting user, errors turned into messages, and the pages refreshed.
 */
export async function adminAction(
  body: (db: Db, actor: UserActor) => Promise<unknown>,
  message: string,
  revalidate: string[],
): Promise<ActionState> {
  const user = await requirePlatformAdmin();
  const result = await runAction(async () => {
    await body(await getDb(), userActor(user));
    return null;
  }, message);
  if (!result.ok) return { ok: false, error: result.error, fieldErrors: result.fieldErrors };
  for (const path of revalidate) revalidatePath(path);
  return { ok: true, message: result.message };
}

/** A FormData value as a string, or undefined when absent (so zod's "required" messages apply). */
export function field(fd: FormData, name: string): string | undefined {
  const v = fd.get(name);
  return typeof v === "string" ? v : undefined;
}
