import "server-only";
import { headers } from "next/headers";

const FALLBACK = "en-US";

/** Pure: the first language of an Accept-Language header that Intl supports, else en-US. */
export function pickLocale(acceptLanguage: string | null | undefined): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || tag === "*") continue;
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf([tag]);
      if (supported) return supported;
    } catch {
      // not a valid language tag: try the next one
    }
  }
  return FALLBACK;
}

/** The reader's locale for formatting money, numbers and dates (from the request's Accept-Language). */
export async function getRequestLocale(): Promise<string> {
  return pickLocale((await headers()).get("accept-language"));
}
