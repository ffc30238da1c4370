import { z } from "zod";
import { flagsForOrg } from "@/lib/flags";
import { json } from "@/lib/http/json";
import { defineRoute } from "../define";

export const flagsRoute = defineRoute({
  method: "get",
  path: "/api/v1/flags",
  operationId: "getFlags",
  tag: "Flags",
  summary: "The feature flags in force for the calling organization",
  description: "Changes made in the console reach this answer within a few seconds.",
  auth: "api_key",
  response: z
    .object({
      organization: z.object({ id: z.string(), slug: z.string() }),
      flags: z.record(z.string(), z.boolean()),
      details: z.array(
        z.object({ key: z.string(), enabled: z.boolean(), source: z.enum(["override", "rollout", "default"]) }),
      ),
    })
    .meta({ id: "Flags" }),
  async handler({ caller }) {
    const decisions = await flagsForOrg(caller.organization.id);
    return json(
      {
        organization: { id: caller.organization.id, slug: caller.organization.slug },
        flags: Object.fromEntries(decisions.map((d) => [d.key, d.enabled])),
        details: decisions,
      },
      { headers: { "cache-control": "private, no-store" } },
    );
  },
});
