import { createHash } from "node:crypto";

/**
 * How a flag is decided for one organization (pure, no database):
 *   1. a per-organization override wins;
 *   2. otherwise the organization's stable bucket puts it in the rollout (on) or not;
 *   3. organizations outside the rollout get the flag's default.
 * So `rolloutPercent` is the share of organizations that get the flag on whatever the default,
 * and a default of `true` turns it on for everyone.
 */

export type FlagDefinition = { key: string; defaultEnabled: boolean; rolloutPercent: number };
export type FlagSource = "override" | "rollout" | "default";
export type FlagDecision = { key: string; enabled: boolean; source: FlagSource };

/** Buckets per flag: 10,000, so a whole percent is 100 buckets. */
export const ROLLOUT_BUCKETS = 10_000;

/**
 * The organization's bucket for this flag, 0–9,999: the same on every instance and every call
 * (SHA-256 of "flag key:organization id"), and independent between flags, so one
 * organization is not first in line for every rollout.
 */
export function rolloutBucket(flagKey: string, organizationId: string): number {
  const digest = createHash("sha256").update(`${flagKey}:${organizationId}`).digest();
  return digest.readUInt32BE(0) % ROLLOUT_BUCKETS;
}

export function inRollout(flagKey: string, organizationId: string, rolloutPercent: number): boolean {
  if (rolloutPercent <= 0) return false;
  if (rolloutPercent >= 100) return true;
  return rolloutBucket(flagKey, organizationId) < Math.round(rolloutPercent * (ROLLOUT_BUCKETS / 100));
}

export function evaluateFlag(
  flag: FlagDefinition,
  organizationId: string,
  override: boolean | undefined,
): FlagDecision {
  if (override !== undefined) return { key: flag.key, enabled: override, source: "override" };
  if (inRollout(flag.key, organizationId, flag.rolloutPercent))
    return { key: flag.key, enabled: true, source: "rollout" };
  return { key: flag.key, enabled: flag.defaultEnabled, source: "default" };
}
