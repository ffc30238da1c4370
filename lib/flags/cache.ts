/**
 * A process-wide generation number for flags: every flag write in this process bumps it, and
 * every reader drops what it cached at an older generation. Other instances see the change
 * when their short cache expires (FLAG_CACHE_TTL_MS).
 */
let generation = 0;

export function flagsChanged(): void {
  generation += 1;
}

export function flagsGeneration(): number {
  return generation;
}
