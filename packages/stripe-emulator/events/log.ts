import type { WEvent } from "../core/wire";

/** Append-only event history (GET /v1/events). Newest last; `seq` order is creation order. */
export class EventLog {
  private events: WEvent[] = [];
  private byId = new Map<string, WEvent>();

  constructor(private readonly max = 20_000) {}

  load(events: WEvent[]): void {
    this.events = events.slice(-this.max);
    this.byId = new Map(this.events.map((e) => [e.id, e]));
  }

  append(event: WEvent): void {
    this.events.push(event);
    this.byId.set(event.id, event);
    if (this.events.length > this.max) {
      const dropped = this.events.shift();
      if (dropped) this.byId.delete(dropped.id);
    }
  }

  get(id: string): WEvent | undefined {
    return this.byId.get(id);
  }

  /** Newest first. */
  newestFirst(): WEvent[] {
    return [...this.events].reverse();
  }

  all(): WEvent[] {
    return this.events;
  }

  markDelivered(id: string): void {
    const e = this.byId.get(id);
    if (e) e.pending_webhooks = 0;
  }
}
