import "server-only";
import { env } from "@/lib/env";

/**
 * The one door from the product to the demo (demo/): a dynamic import, taken only when demo data
 * is on (development, or SEED_DEMO=1). In production without the flag the demo's code never runs.
 */
export type Demo = typeof import("@/demo");

export async function loadDemo(): Promise<Demo | null> {
  if (!env().demo) return null;
  return import("@/demo");
}
