import type { CardDecline } from "../core/errors";
import { newId } from "../core/ids";
import type { WPaymentMethod } from "../core/wire";

/**
 * Stripe's test payment methods. `pm_card_<kind>` (and `tok_<kind>`, or the card number in
 * `card[number]`) create a new `pm_…` whose behaviour follows Stripe's test cards.
 */
export interface TestCard {
  brand: string;
  last4: string;
  number: string;
  funding: "credit" | "debit";
  /** What a setup (SetupIntent confirm or attach) does. */
  setup: "succeeded" | "requires_action" | CardDecline;
  /** What a charge does. `auth` = needs 3DS: requires_action on-session, declined off-session. */
  charge: "succeeded" | "auth" | CardDecline;
}

export const DECLINES = {
  generic: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
  insufficientFunds: {
    code: "card_declined",
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
  expired: { code: "expired_card", decline_code: "expired_card", message: "Your card has expired." },
  incorrectCvc: {
    code: "incorrect_cvc",
    decline_code: "incorrect_cvc",
    message: "Your card's security code is incorrect.",
  },
  authenticationRequired: {
    code: "authentication_required",
    decline_code: "authentication_required",
    message: "Your card was declined. This transaction requires authentication.",
  },
} satisfies Record<string, CardDecline>;

export const TEST_CARDS: Record<string, TestCard> = {
  visa: {
    brand: "visa",
    last4: "4242",
    number: "4242424242424242",
    funding: "credit",
    setup: "succeeded",
    charge: "succeeded",
  },
  visa_debit: {
    brand: "visa",
    last4: "5556",
    number: "4000056655665556",
    funding: "debit",
    setup: "succeeded",
    charge: "succeeded",
  },
  mastercard: {
    brand: "mastercard",
    last4: "4444",
    number: "5555555555554444",
    funding: "credit",
    setup: "succeeded",
    charge: "succeeded",
  },
  amex: {
    brand: "amex",
    last4: "8431",
    number: "378282246310005",
    funding: "credit",
    setup: "succeeded",
    charge: "succeeded",
  },
  discover: {
    brand: "discover",
    last4: "1117",
    number: "6011111111111117",
    funding: "credit",
    setup: "succeeded",
    charge: "succeeded",
  },
  chargeDeclined: {
    brand: "visa",
    last4: "0002",
    number: "4000000000000002",
    funding: "credit",
    setup: DECLINES.generic,
    charge: DECLINES.generic,
  },
  chargeDeclinedInsufficientFunds: {
    brand: "visa",
    last4: "9995",
    number: "4000000000009995",
    funding: "credit",
    setup: DECLINES.insufficientFunds,
    charge: DECLINES.insufficientFunds,
  },
  chargeDeclinedExpiredCard: {
    brand: "visa",
    last4: "0069",
    number: "4000000000000069",
    funding: "credit",
    setup: DECLINES.expired,
    charge: DECLINES.expired,
  },
  chargeDeclinedIncorrectCvc: {
    brand: "visa",
    last4: "0127",
    number: "4000000000000127",
    funding: "credit",
    setup: DECLINES.incorrectCvc,
    charge: DECLINES.incorrectCvc,
  },
  authenticationRequired: {
    brand: "visa",
    last4: "3184",
    number: "4000002760003184",
    funding: "credit",
    setup: "requires_action",
    charge: "auth",
  },
  authenticationRequiredOnSetup: {
    brand: "visa",
    last4: "3155",
    number: "4000002500003155",
    funding: "credit",
    setup: "requires_action",
    charge: "succeeded",
  },
  chargeCustomerFail: {
    brand: "visa",
    last4: "0341",
    number: "4000000000000341",
    funding: "credit",
    setup: "succeeded",
    charge: DECLINES.generic,
  },
};

/** `pm_card_visa`, `tok_visa` → `visa`; card numbers are matched too. */
export function testCardKind(token: string): string | undefined {
  const m = /^(?:pm_card_|tok_)(.+)$/.exec(token);
  if (m?.[1] && TEST_CARDS[m[1]]) return m[1];
  const digits = token.replace(/\s/g, "");
  return Object.keys(TEST_CARDS).find((k) => TEST_CARDS[k]?.number === digits);
}

export function isTestToken(id: string): boolean {
  return /^(pm_card_|tok_)/.test(id);
}

export function cardOf(kind: string | undefined): TestCard {
  return TEST_CARDS[kind ?? "visa"] ?? (TEST_CARDS.visa as TestCard);
}

export type ChargeOutcome =
  { status: "succeeded" } | { status: "requires_action" } | { status: "declined"; decline: CardDecline };

export function chargeOutcome(kind: string | undefined, offSession: boolean): ChargeOutcome {
  const behaviour = cardOf(kind).charge;
  if (behaviour === "succeeded") return { status: "succeeded" };
  if (behaviour === "auth") {
    return offSession
      ? { status: "declined", decline: DECLINES.authenticationRequired }
      : { status: "requires_action" };
  }
  return { status: "declined", decline: behaviour };
}

export function setupOutcome(kind: string | undefined): ChargeOutcome {
  const behaviour = cardOf(kind).setup;
  if (behaviour === "succeeded" || behaviour === "requires_action") return { status: behaviour };
  return { status: "declined", decline: behaviour };
}

const FINGERPRINTS: Record<string, string> = {};
function fingerprint(kind: string): string {
  FINGERPRINTS[kind] ??= Buffer.from(`emu-${kind}`)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 16)
    .padEnd(16, "x");
  return FINGERPRINTS[kind];
}

export function buildCardPaymentMethod(
  kind: string,
  created: number,
  billing?: Partial<WPaymentMethod["billing_details"]>,
): WPaymentMethod {
  const card = cardOf(kind);
  const expYear = new Date(created * 1000).getUTCFullYear() + 3;
  return {
    id: newId("pm"),
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
      ...billing,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      display_brand: card.brand === "amex" ? "american_express" : card.brand,
      exp_month: 12,
      exp_year: expYear,
      fingerprint: fingerprint(kind),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
  };
}
