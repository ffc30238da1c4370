"use server";

import { z } from "zod";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/auth/api-keys";
import { orgAction } from "@/lib/http/action";

/** Owners and admins create and revoke their organization's API keys; the key is answered once. */

const keysPage = (slug: string) => [`/orgs/${slug}/settings/api-keys`];

export const createApiKeyAction = orgAction(
  {
    role: "admin",
    schema: createApiKeySchema,
    revalidate: keysPage,
    message: "Key created. Copy it now: it will not be shown again.",
  },
  async ({ name }, { db, organization, actor }) => {
    const { key, item } = await createApiKey(db, { organizationId: organization.id, name, actor });
    return { key, name: item.name, prefix: item.prefix };
  },
);

const revokeSchema = z.object({ apiKeyId: z.uuid("That key id is not valid.") });

export const revokeApiKeyAction = orgAction(
  { role: "admin", schema: revokeSchema, revalidate: keysPage, message: "Key revoked. Calls with it now get 401." },
  async ({ apiKeyId }, { db, organization, actor }) => {
    await revokeApiKey(db, { organizationId: organization.id, apiKeyId, actor });
  },
);
