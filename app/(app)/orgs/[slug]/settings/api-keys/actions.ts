"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/auth/api-keys";
import { requireOrgRole } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action";

/** Owners and admins create and revoke their organization's API keys; the key is answered once. */

export type CreatedKey = { key: string; name: string; prefix: string };

export async function createApiKeyAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<CreatedKey>> {
  return runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const { name } = createApiKeySchema.parse({ name: formData.get("name") ?? "" });
    const { key, item } = await createApiKey(await getDb(), {
      organizationId: organization.id,
      name,
      actor: { kind: "user", id: user.id, email: user.email },
    });
    revalidatePath(`/orgs/${slug}/settings/api-keys`);
    return { key, name: item.name, prefix: item.prefix };
  }, "Key created. Copy it now: it will not be shown again.");
}

const revokeSchema = z.object({ apiKeyId: z.uuid("That key id is not valid.") });

export async function revokeApiKeyAction(slug: string, _prev: unknown, formData: FormData): Promise<ActionResult> {
  return runAction(async () => {
    const { user, organization } = await requireOrgRole(slug, "admin");
    const { apiKeyId } = revokeSchema.parse({ apiKeyId: formData.get("apiKeyId") });
    await revokeApiKey(await getDb(), {
      organizationId: organization.id,
      apiKeyId,
      actor: { kind: "user", id: user.id, email: user.email },
    });
    revalidatePath(`/orgs/${slug}/settings/api-keys`);
    return undefined;
  }, "Key revoked. Calls with it now get 401.");
}
