import "server-only";
import { asc, eq } from "drizzle-orm";
import { featureFlagOverrides, featureFlags } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { flagsGeneration } from "./cache";
import { evaluateFlag, type FlagDecision, type FlagDefinition } from "./evaluate";

/** How long a reader trusts what it read: flag changes reach every instance within this. */
export const FLAG_CACHE_TTL_MS = 5_000;

export type FlagReader = {
  /** Is the flag on for this organization? An unknown flag is off. */
  isEnabled(flagKey: string, organizationId: string): Promise<boolean>;
  /** Every flag and how it is decided for this organization, by key. */
  flagsForOrg(organizationId: string): Promise<FlagDecision[]>;
  /** Forget everything cached (the next call reads the database). */
  clear(): void;
};

type Entry<T> = { at: number; generation: number; value: Promise<T> };

/**
 * A reader with a short in-process cache: the flag list once per TTL, and each organization's
 * overrides once per TTL (at most `maxOrgs` organizations kept). Concurrent misses share one query.
 * `now` is injectable so tests can move time without waiting.
 */
export function createFlagReader(
  source: Queryable | (() => Promise<Queryable>),
  opts: { ttlMs?: number; maxOrgs?: number; now?: () => number } = {},
): FlagReader {
  const ttl = opts.ttlMs ?? FLAG_CACHE_TTL_MS;
  const maxOrgs = opts.maxOrgs ?? 5_000;
  const now = opts.now ?? Date.now;
  const db = typeof source === "function" ? source : async () => source;
  let flags: Entry<Map<string, FlagDefinition>> | null = null;
  const overrides = new Map<string, Entry<Map<string, boolean>>>();

  const fresh = <T>(e: Entry<T> | null | undefined): e is Entry<T> =>
    !!e && e.generation === flagsGeneration() && now() - e.at < ttl;

  /** Start a load and cache its promise; a failed load is forgotten so the next call retries. */
  function remember<T>(
    load: () => Promise<T>,
    current: () => Entry<T> | null | undefined,
    store: (e: Entry<T> | null) => void,
  ): Entry<T> {
    const entry: Entry<T> = { at: now(), generation: flagsGeneration(), value: load() };
    entry.value.catch(() => {
      if (current() === entry) store(null);
    });
    store(entry);
    return entry;
  }

  function allFlags(): Promise<Map<string, FlagDefinition>> {
    if (fresh(flags)) return flags.value;
    return remember(
      async () => {
        const rows = await (
          await db()
        )
          .select({
            key: featureFlags.key,
            defaultEnabled: featureFlags.defaultEnabled,
            rolloutPercent: featureFlags.rolloutPercent,
          })
          .from(featureFlags)
          .orderBy(asc(featureFlags.key));
        return new Map(rows.map((r) => [r.key, r]));
      },
      () => flags,
      (e) => (flags = e),
    ).value;
  }

  function orgOverrides(organizationId: string): Promise<Map<string, boolean>> {
    const cached = overrides.get(organizationId);
    if (fresh(cached)) return cached.value;
    if (overrides.size >= maxOrgs) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = overrides.keys().next().value;
      if (oldest !== undefined) overrides.delete(oldest);
    }
    return remember(
      async () => {
        const rows = await (
          await db()
        )
          .select({ key: featureFlagOverrides.flagKey, enabled: featureFlagOverrides.enabled })
          .from(featureFlagOverrides)
          .where(eq(featureFlagOverrides.organizationId, organizationId));
        return new Map(rows.map((r) => [r.key, r.enabled]));
      },
      () => overrides.get(organizationId),
      (e) => {
        overrides.delete(organizationId);
        if (e) overrides.set(organizationId, e);
      },
    ).value;
  }

  return {
    async isEnabled(flagKey, organizationId) {
      const [defs, over] = await Promise.all([allFlags(), orgOverrides(organizationId)]);
      const flag = defs.get(flagKey);
      if (!flag) return false;
      return evaluateFlag(flag, organizationId, over.get(flagKey)).enabled;
    },
    async flagsForOrg(organizationId) {
      const [defs, over] = await Promise.all([allFlags(), orgOverrides(organizationId)]);
      return [...defs.values()].map((f) => evaluateFlag(f, organizationId, over.get(f.key)));
    },
    clear() {
      flags = null;
      overrides.clear();
    },
  };
}
