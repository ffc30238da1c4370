import "server-only";
import { headers } from "next/headers";

const FALLBACK = "en-US";

/** A language tag as Accept-Language carries it (de, de-DE, zh-Hant-TW); "*" and junk are skipped. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * Pure: the first language of an Accept-Language header that Intl supports, else en-US. The one
 * Accept-Language parser of the app: every page that formats for the reader goes through it.
 */
export function pickLocale(acceptLanguage: string | null | undefined): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || !LANGUAGE_TAG.test(tag)) continue;
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
