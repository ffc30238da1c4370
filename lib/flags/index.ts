import "server-only";
import { getDb } from "@/db/client";
import { createFlagReader, type FlagReader } from "./reader";
import type { FlagDecision } from "./evaluate";

/**
 * Feature flags: the public face. The app reads flags through `isEnabled` and `flagsForOrg`
 * (one reader per process with a few seconds' cache); the console changes them through the
 * service functions, which audit every write.
 */
export { createFlagReader, FLAG_CACHE_TTL_MS, type FlagReader } from "./reader";
export {
  evaluateFlag,
  inRollout,
  rolloutBucket,
  type FlagDecision,
  type FlagDefinition,
  type FlagSource,
} from "./evaluate";
export {
  createFlag,
  deleteFlag,
  getFlagOrThrow,
  listFlags,
  removeFlagOverride,
  setFlagOverride,
  updateFlag,
  type FlagListItem,
  type FlagOverrideItem,
  type FlagRow,
} from "./service";
export * from "./schemas";

const g = globalThis as unknown as { __flagReader?: FlagReader };

function appReader(): FlagReader {
  g.__flagReader ??= createFlagReader(() => getDb());
  return g.__flagReader;
}

/** Is `flagKey` on for this organization? Changes take effect within a few seconds everywhere. */
export function isEnabled(flagKey: string, organizationId: string): Promise<boolean> {
  return appReader().isEnabled(flagKey, organizationId);
}

/** Every flag as decided for this organization (override, rollout or default). */
export function flagsForOrg(organizationId: string): Promise<FlagDecision[]> {
  return appReader().flagsForOrg(organizationId);
}
