import "server-only";
import type { Stripe } from "@/lib/stripe/client";

/**
 * The SDK keeps the caller's stack of every request (`new Error().stack`, taken before the
 * request goes out) for the error it may throw: with source maps on (`--enable-source-maps`)
 * that is a tenth of a read's CPU. The worker's reads all come from the same few lines, so they
 * go without it: `stackTraceLimit` is 0 only while the request is made (synchronously), and the
 * SDK's error still says which request failed and why.
 */
function withoutCallSite<T>(request: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return request();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The Stripe resources whose `retrieve` one batch shares. */
const SHARED = ["customers", "subscriptions", "invoices", "paymentMethods"] as const;

/**
 * The Stripe client for one batch transaction of the worker: a `retrieve` of an object the batch
 * already read (same resource, id and parameters) answers the same read instead of asking Stripe
 * again — a card event of a customer whose other card event is in the batch, an invoice and a
 * subscription event of one subscription. Stripe stays the source of truth: every event of the
 * batch was stored before the batch claimed it, so a read made after the claim is at least as
 * new as any of them. Reads only; anything else goes to `stripe` as is. A read that failed is
 * shared too (its pass fails, and with it the batch, whose passes then run one per transaction,
 * each with reads of its own).
 */
export function sharingReads(stripe: Stripe): Stripe {
  const reads = new Map<string, Promise<unknown>>();
  const resources = new Map<string | symbol, unknown>();
  for (const name of SHARED) {
    const resource = stripe[name] as unknown as {
      retrieve: (id: string, params?: unknown, options?: unknown) => Promise<unknown>;
    };
    resources.set(
      name,
      new Proxy(resource, {
        get(target, prop) {
          const value = Reflect.get(target, prop) as unknown;
          if (prop !== "retrieve") return typeof value === "function" ? value.bind(target) : value;
          return (id: string, params?: unknown, options?: unknown) => {
            // Request options (idempotency keys, another account…) are not ours to merge.
            if (options !== undefined) return target.retrieve(id, params, options);
            const key = `${name}/${id}?${params === undefined ? "" : JSON.stringify(params)}`;
            let read = reads.get(key);
            if (!read) {
              read = withoutCallSite(() => target.retrieve(id, params));
              reads.set(key, read);
            }
            return read;
          };
        },
      }),
    );
  }
  return new Proxy(stripe, {
    get(target, prop) {
      return resources.get(prop) ?? Reflect.get(target, prop);
    },
  });
}
