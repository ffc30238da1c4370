import { z } from "zod";

/**
 * Billing details as people type them, checked the way a tax office or a post office would
 * read them: a country from ISO 3166, a postal code in that country's format, a state where
 * the country has states, and a tax ID of the kind that country issues (with its prefix and
 * length). Pure: the form and the server use the same rules and the same messages.
 */

/** ISO 3166-1 alpha-2 codes of countries and territories people bill from. */
export const COUNTRY_CODES = (
  "AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW BY BZ " +
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM " +
  "FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE " +
  "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN " +
  "MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS " +
  "PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TG TH TJ TK TL " +
  "TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
).split(" ");

const COUNTRY_SET = new Set(COUNTRY_CODES);

/** A country's name in English ("DE" → "Germany"). */
export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Countries for a picker, by name. */
export function countryOptions(): { code: string; name: string }[] {
  return COUNTRY_CODES.map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------- postal codes and states

type PostalRule = { re: RegExp; example: string; normalize?: (v: string) => string };

const upperNoSpace = (v: string) => v.toUpperCase().replace(/\s+/g, "");
const digits = (n: number, example: string): PostalRule => ({ re: new RegExp(`^\\d{${n}}$`), example });

const POSTAL: Record<string, PostalRule> = {
  US: { re: /^\d{5}(-\d{4})?$/, example: "94104 or 94104-1234" },
  CA: {
    re: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$/,
    example: "K1A 0B1",
    normalize: (v) => {
      const s = upperNoSpace(v);
      return s.length === 6 ? `${s.slice(0, 3)} ${s.slice(3)}` : v.toUpperCase();
    },
  },
  GB: {
    re: /^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$/,
    example: "SW1A 1AA",
    normalize: (v) => {
      const s = upperNoSpace(v);
      return s.length >= 5 ? `${s.slice(0, -3)} ${s.slice(-3)}` : v.toUpperCase();
    },
  },
  NL: {
    re: /^\d{4} [A-Z]{2}$/,
    example: "1012 AB",
    normalize: (v) => {
      const s = upperNoSpace(v);
      return s.length === 6 ? `${s.slice(0, 4)} ${s.slice(4)}` : v.toUpperCase();
    },
  },
  IE: { re: /^[A-Z]\d[\dW] ?[A-Z\d]{4}$/, example: "D02 X285", normalize: (v) => v.toUpperCase() },
  JP: { re: /^\d{3}-\d{4}$/, example: "100-0001", normalize: (v) => v.replace(/^(\d{3})(\d{4})$/, "$1-$2") },
  BR: { re: /^\d{5}-\d{3}$/, example: "01310-100", normalize: (v) => v.replace(/^(\d{5})(\d{3})$/, "$1-$2") },
  PL: { re: /^\d{2}-\d{3}$/, example: "00-950", normalize: (v) => v.replace(/^(\d{2})(\d{3})$/, "$1-$2") },
  SE: { re: /^\d{3} \d{2}$/, example: "114 55", normalize: (v) => v.replace(/^(\d{3})\s*(\d{2})$/, "$1 $2") },
  CZ: { re: /^\d{3} \d{2}$/, example: "110 00", normalize: (v) => v.replace(/^(\d{3})\s*(\d{2})$/, "$1 $2") },
  SK: { re: /^\d{3} \d{2}$/, example: "811 01", normalize: (v) => v.replace(/^(\d{3})\s*(\d{2})$/, "$1 $2") },
  PT: { re: /^\d{4}-\d{3}$/, example: "1100-148" },
  IN: digits(6, "110001"),
  CN: digits(6, "100000"),
  SG: digits(6, "018956"),
  RU: digits(6, "101000"),
  DE: digits(5, "10115"),
  FR: digits(5, "75001"),
  ES: digits(5, "28013"),
  IT: digits(5, "00184"),
  FI: digits(5, "00100"),
  MX: digits(5, "06000"),
  EE: digits(5, "10111"),
  HR: digits(5, "10000"),
  LT: { re: /^(LT-)?\d{5}$/, example: "LT-01100", normalize: (v) => v.toUpperCase() },
  GR: { re: /^\d{3} ?\d{2}$/, example: "105 57" },
  TR: digits(5, "06100"),
  KR: digits(5, "03154"),
  UA: digits(5, "01001"),
  AT: digits(4, "1010"),
  AU: digits(4, "2000"),
  BE: digits(4, "1000"),
  CH: digits(4, "8001"),
  DK: digits(4, "1050"),
  NO: digits(4, "0150"),
  NZ: digits(4, "6011"),
  ZA: digits(4, "8001"),
  HU: digits(4, "1051"),
  LU: { re: /^(L-)?\d{4}$/, example: "L-1111", normalize: (v) => v.toUpperCase() },
  BG: digits(4, "1000"),
  SI: digits(4, "1000"),
  CY: digits(4, "1010"),
  LV: { re: /^(LV-)?\d{4}$/, example: "LV-1050", normalize: (v) => v.toUpperCase() },
  RO: digits(6, "010011"),
  IL: digits(7, "6100000"),
  MT: { re: /^[A-Z]{3} ?\d{4}$/, example: "VLT 1117", normalize: (v) => v.toUpperCase() },
};

/** Places that use no postal codes: the field is optional there. */
const NO_POSTAL_CODE = new Set(
  "AE AG AO AW BF BI BJ BO BQ BS BW BZ CD CF CG CI CK CM CW DJ DM ER FJ GA GD GH GM GQ GY HK JM KI KM KN KP LY ML MO MR MW NR NU QA RW SB SC SL SO SR SS ST SX SY TD TF TG TK TL TO TT TV UG VU YE ZW".split(
    " ",
  ),
);

const US_STATES =
  "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM AA AE AP".split(
    " ",
  );
const CA_PROVINCES = "AB BC MB NB NL NS NT NU ON PE QC SK YT".split(" ");
const AU_STATES = "ACT NSW NT QLD SA TAS VIC WA".split(" ");

/** Countries whose addresses need a state or province, with the codes they use. */
export const STATES: Record<string, { label: string; codes: string[] | null; example: string }> = {
  US: { label: "State", codes: US_STATES, example: "CA" },
  CA: { label: "Province", codes: CA_PROVINCES, example: "ON" },
  AU: { label: "State", codes: AU_STATES, example: "NSW" },
  IN: { label: "State", codes: null, example: "Maharashtra" },
  BR: { label: "State", codes: null, example: "SP" },
  MX: { label: "State", codes: null, example: "CDMX" },
};

export function postalCodeExample(country: string): string | null {
  return POSTAL[country]?.example ?? null;
}

export function postalCodeRequired(country: string): boolean {
  return !NO_POSTAL_CODE.has(country) && country !== "IE";
}

// ---------------------------------------------------------------- tax IDs

export type TaxIdRule = {
  /** Stripe's tax ID type. */
  type: string;
  /** What people call it, for labels and messages. */
  label: string;
  re: RegExp;
  example: string;
  /** The prefix a VAT ID carries (added when someone types the number without it). */
  prefix?: string;
};

const eu = (country: string, body: string, example: string, prefix = country): TaxIdRule => ({
  type: "eu_vat",
  label: "VAT number",
  re: new RegExp(`^${prefix}${body}$`),
  example,
  prefix,
});

/** One tax ID kind per country: the one invoices print and Stripe records. */
export const TAX_ID_RULES: Record<string, TaxIdRule> = {
  AT: eu("AT", "U\\d{8}", "ATU12345678"),
  BE: eu("BE", "[01]\\d{9}", "BE0123456789"),
  BG: eu("BG", "\\d{9,10}", "BG123456789"),
  CY: eu("CY", "\\d{8}[A-Z]", "CY12345678Z"),
  CZ: eu("CZ", "\\d{8,10}", "CZ12345678"),
  DE: eu("DE", "\\d{9}", "DE123456789"),
  DK: eu("DK", "\\d{8}", "DK12345678"),
  EE: eu("EE", "\\d{9}", "EE123456789"),
  ES: eu("ES", "[A-Z\\d]\\d{7}[A-Z\\d]", "ESA1234567Z"),
  FI: eu("FI", "\\d{8}", "FI12345678"),
  FR: eu("FR", "[A-HJ-NP-Z\\d]{2}\\d{9}", "FRAB123456789"),
  GR: eu("GR", "\\d{9}", "EL123456789", "EL"),
  HR: eu("HR", "\\d{11}", "HR12345678901"),
  HU: eu("HU", "\\d{8}", "HU12345678"),
  IE: eu("IE", "\\d{7}[A-W][A-IW]?|\\d[A-Z+*]\\d{5}[A-W]", "IE1234567T"),
  IT: eu("IT", "\\d{11}", "IT12345678901"),
  LT: eu("LT", "(\\d{9}|\\d{12})", "LT123456789"),
  LU: eu("LU", "\\d{8}", "LU12345678"),
  LV: eu("LV", "\\d{11}", "LV12345678901"),
  MT: eu("MT", "\\d{8}", "MT12345678"),
  NL: eu("NL", "\\d{9}B\\d{2}", "NL123456789B01"),
  PL: eu("PL", "\\d{10}", "PL1234567890"),
  PT: eu("PT", "\\d{9}", "PT123456789"),
  RO: eu("RO", "\\d{2,10}", "RO1234567891"),
  SE: eu("SE", "\\d{10}01", "SE123456789701"),
  SI: eu("SI", "\\d{8}", "SI12345678"),
  SK: eu("SK", "\\d{10}", "SK1234567891"),
  GB: {
    type: "gb_vat",
    label: "VAT number",
    re: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
    example: "GB123456789",
    prefix: "GB",
  },
  CH: {
    type: "ch_vat",
    label: "VAT number (MWST/TVA/IVA)",
    re: /^CHE-\d{3}\.\d{3}\.\d{3} (MWST|TVA|IVA)$/,
    example: "CHE-123.456.789 MWST",
  },
  NO: { type: "no_vat", label: "VAT number", re: /^\d{9}MVA$/, example: "123456789MVA" },
  US: { type: "us_ein", label: "EIN", re: /^\d{2}-\d{7}$/, example: "12-3456789" },
  CA: { type: "ca_bn", label: "Business Number", re: /^\d{9}$/, example: "123456789" },
  AU: { type: "au_abn", label: "ABN", re: /^\d{11}$/, example: "12345678912" },
  NZ: { type: "nz_gst", label: "GST number", re: /^\d{8,9}$/, example: "123456789" },
  IN: { type: "in_gst", label: "GSTIN", re: /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[\dA-Z]$/, example: "12ABCDE3456FGZH" },
  JP: { type: "jp_cn", label: "Corporate Number", re: /^\d{13}$/, example: "1234567891234" },
  SG: { type: "sg_uen", label: "UEN", re: /^(\d{8,9}[A-Z]|[TSR]\d{2}[A-Z]{2}\d{4}[A-Z])$/, example: "123456789F" },
  BR: { type: "br_cnpj", label: "CNPJ", re: /^\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}$/, example: "01.234.456/5432-10" },
  MX: { type: "mx_rfc", label: "RFC", re: /^[A-Z&Ñ]{3,4}\d{6}[A-Z\d]{3}$/, example: "ABC010203AB9" },
  ZA: { type: "za_vat", label: "VAT number", re: /^4\d{9}$/, example: "4123456789" },
  KR: { type: "kr_brn", label: "Business Registration Number", re: /^\d{3}-\d{2}-\d{5}$/, example: "123-45-67890" },
  IS: { type: "is_vat", label: "VAT number", re: /^\d{5,6}$/, example: "123456" },
  IL: { type: "il_vat", label: "VAT number", re: /^\d{9}$/, example: "000012345" },
  AE: { type: "ae_trn", label: "TRN", re: /^\d{15}$/, example: "123456789012345" },
  SA: { type: "sa_vat", label: "VAT number", re: /^3\d{13}3$/, example: "123456789012345" },
  TR: { type: "tr_tin", label: "Tax ID", re: /^\d{10}$/, example: "0123456789" },
  HK: { type: "hk_br", label: "BR number", re: /^\d{8}$/, example: "12345678" },
  TW: { type: "tw_vat", label: "VAT number", re: /^\d{8}$/, example: "12345678" },
};

/** The tax ID kind for a country, or null when we can't record one there. */
export function taxIdRule(country: string | null | undefined): TaxIdRule | null {
  return country ? (TAX_ID_RULES[country] ?? null) : null;
}

/** A tax ID as people type it ("de 123 456 789") in its canonical form ("DE123456789"). */
export function normalizeTaxId(country: string, value: string): string {
  const rule = taxIdRule(country);
  const v = value.trim().toUpperCase();
  if (!rule) return v.replace(/\s+/g, " ");
  switch (rule.type) {
    case "ch_vat": {
      const m = /^CHE[-.\s]?(\d{3})[.\s]?(\d{3})[.\s]?(\d{3})\s*(MWST|TVA|IVA)?$/.exec(v);
      return m ? `CHE-${m[1]}.${m[2]}.${m[3]} ${m[4] ?? "MWST"}` : v;
    }
    case "us_ein": {
      const d = v.replace(/[\s-]/g, "");
      return /^\d{9}$/.test(d) ? `${d.slice(0, 2)}-${d.slice(2)}` : v;
    }
    case "kr_brn": {
      const d = v.replace(/[\s-]/g, "");
      return /^\d{10}$/.test(d) ? `${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}` : v;
    }
    case "br_cnpj": {
      const d = v.replace(/[\s./-]/g, "");
      return /^\d{14}$/.test(d)
        ? `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`
        : v;
    }
    case "no_vat": {
      const d = v.replace(/[\s.-]/g, "");
      return /^\d{9}$/.test(d) ? `${d}MVA` : d;
    }
    default: {
      const compact = v.replace(/[\s.-]/g, "");
      // A VAT number typed without its country prefix gets it.
      if (rule.prefix && !compact.startsWith(rule.prefix) && /^\d/.test(compact)) return `${rule.prefix}${compact}`;
      return compact;
    }
  }
}

/** The postal lines of an address as the country writes them (city line order per custom, kept simple). */
export function addressLinesOf(d: {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}): string[] {
  if (!d.line1 && !d.city && !d.country) return [];
  const cityLine =
    d.country === "US" || d.country === "CA" || d.country === "AU"
      ? [d.city, [d.state, d.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", ")
      : d.country === "GB" || d.country === "IE"
        ? [d.city, d.postalCode].filter(Boolean).join(" ")
        : [[d.postalCode, d.city].filter(Boolean).join(" "), d.state].filter(Boolean).join(", ");
  return [d.line1, d.line2, cityLine, d.country ? countryName(d.country) : null].filter(
    (l): l is string => typeof l === "string" && l.length > 0,
  );
}

// ---------------------------------------------------------------- the form

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const clean = (v: string | null | undefined) => (v ?? "").trim().replace(/\s+/g, " ");

/** An optional text field: trimmed, inner runs of spaces collapsed, blank → null. */
const optional = (label: string, max: number) =>
  z
    .string()
    .nullish()
    .transform(clean)
    .refine((v) => v.length <= max, `${label} is too long: at most ${max} characters.`)
    .refine((v) => !CONTROL.test(v), `${label} contains characters we can't print.`)
    .transform((v) => (v === "" ? null : v));

type Fields = {
  email: string;
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  taxId: string | null;
};

const textOrNull = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

/**
 * The checks across fields (country-aware), run even when a field already failed on its own,
 * so one submission shows every mistake at once.
 */
function crossCheck(raw: Record<string, unknown>, ctx: { addIssue(i: z.core.$ZodRawIssue): void }) {
  const d = {
    line1: textOrNull(raw.line1),
    line2: textOrNull(raw.line2),
    city: textOrNull(raw.city),
    state: textOrNull(raw.state),
    postalCode: textOrNull(raw.postalCode),
    country: textOrNull(raw.country),
    taxId: textOrNull(raw.taxId),
  };
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message, input: raw });
  const anyAddress = Boolean(d.line1 || d.line2 || d.city || d.state || d.postalCode);
  const country = d.country?.toUpperCase() ?? null;
  if (country && !COUNTRY_SET.has(country)) return issue("country", "Choose a country from the list.");
  if (!country) {
    if (anyAddress) issue("country", "Choose the country.");
    else if (d.taxId) issue("country", "Choose the country that issued the tax ID.");
    return;
  }
  const name = countryName(country);
  if (!d.line1) issue("line1", "Enter the street address.");
  if (!d.city) issue("city", "Enter the city.");
  const postal = POSTAL[country];
  if (d.postalCode) {
    if (postal && !postal.re.test(normalizePostal(country, d.postalCode)))
      issue("postalCode", `That isn't a postal code of ${name}: it looks like ${postal.example}.`);
  } else if (postalCodeRequired(country)) {
    issue("postalCode", postal ? `Enter the postal code, like ${postal.example}.` : "Enter the postal code.");
  }
  const states = STATES[country];
  if (states) {
    if (!d.state) issue("state", `Enter the ${states.label.toLowerCase()}, like ${states.example}.`);
    else if (states.codes && !states.codes.includes(d.state.toUpperCase()))
      issue(
        "state",
        `Use the two- or three-letter ${states.label.toLowerCase()} code of ${name}, like ${states.example}.`,
      );
  }
  if (d.taxId) {
    const rule = taxIdRule(country);
    if (!rule)
      issue(
        "taxId",
        `We can't record tax IDs from ${name} yet. Leave it empty, or write to us and we'll add it to your invoices.`,
      );
    else if (!rule.re.test(normalizeTaxId(country, d.taxId)))
      issue("taxId", `That isn't a ${name} ${rule.label}: it looks like ${rule.example}.`);
  }
}

function normalizePostal(country: string, value: string): string {
  const postal = POSTAL[country];
  return postal?.normalize ? postal.normalize(value) : value.toUpperCase();
}

/** The billing details form: every field a string from FormData; blank optional fields become null. */
export const billingDetailsSchema = z
  .object({
    email: z
      .string({ error: "Enter the email address invoices go to." })
      .nullish()
      .transform((v) => (v ?? "").trim().toLowerCase())
      .pipe(
        z
          .string()
          .min(1, "Enter the email address invoices go to.")
          .max(254, "That email address is too long.")
          .pipe(z.email("Enter an email address like billing@example.com.")),
      ),
    name: optional("The name", 200),
    line1: optional("Address line 1", 200),
    line2: optional("Address line 2", 200),
    city: optional("The city", 100),
    state: optional("The state or region", 100),
    postalCode: optional("The postal code", 20),
    country: optional("The country", 60),
    taxId: optional("The tax ID", 40),
  })
  .strict()
  .superRefine((d, ctx) => crossCheck(d as Record<string, unknown>, ctx), {
    when: (payload) => typeof payload.value === "object" && payload.value !== null,
  })
  .transform((d: Fields) => {
    const country = d.country ? d.country.toUpperCase() : null;
    const rule = taxIdRule(country);
    const taxIdValue = country && d.taxId ? normalizeTaxId(country, d.taxId) : null;
    return {
      ...d,
      country,
      postalCode: country && d.postalCode ? normalizePostal(country, d.postalCode) : d.postalCode,
      state: country && STATES[country]?.codes && d.state ? d.state.toUpperCase() : d.state,
      taxIdType: taxIdValue && rule ? rule.type : null,
      taxIdValue: rule ? taxIdValue : null,
    };
  });

export type BillingDetailsInput = z.output<typeof billingDetailsSchema>;
