import { describe, expect, it } from "vitest";
import { addressLinesOf } from "@/lib/invoices/billing-details-rules";
import { billingDetailsSchema, countryOptions, normalizeTaxId, taxIdRule } from "@/lib/invoices/billing-details-rules";

const base = { email: "billing@acme.test" };
const parse = (fields: Record<string, string>) => billingDetailsSchema.safeParse({ ...base, ...fields });
const issues = (fields: Record<string, string>) => {
  const r = parse(fields);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0] ?? "_"), i.message]));
};

describe("billing details", () => {
  it("accepts just an email, and a full German address with a VAT ID typed loosely", () => {
    expect(parse({}).success).toBe(true);
    const r = parse({
      email: "  Billing@Acme.TEST ",
      name: " Acme  Robotics GmbH ",
      line1: "Unter den Linden 1",
      city: "Berlin",
      postalCode: "10117",
      country: "de",
      taxId: "de 123 456 789",
    });
    expect(r.success && r.data).toMatchObject({
      email: "billing@acme.test",
      name: "Acme Robotics GmbH",
      country: "DE",
      taxIdType: "eu_vat",
      taxIdValue: "DE123456789",
      line2: null,
      state: null,
    });
  });

  it("says what is wrong with each field, in the country's terms", () => {
    expect(issues({ email: "not-an-email" })).toEqual({ email: "Enter an email address like billing@example.com." });
    expect(issues({ email: "" })).toEqual({ email: "Enter the email address invoices go to." });
    expect(issues({ line1: "1 Main St", city: "Springfield", country: "US", postalCode: "1234", state: "IL" })).toEqual(
      {
        postalCode: "That isn't a postal code of United States: it looks like 94104 or 94104-1234.",
      },
    );
    expect(issues({ line1: "1 Main St", city: "Springfield", country: "US", postalCode: "62701" })).toEqual({
      state: "Enter the state, like CA.",
    });
    expect(
      issues({ line1: "1 Main St", city: "Springfield", country: "US", postalCode: "62701", state: "XX" }),
    ).toEqual({
      state: "Use the two- or three-letter state code of United States, like CA.",
    });
    expect(
      issues({ line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", country: "DE", taxId: "DE12345" }),
    ).toEqual({ taxId: "That isn't a Germany VAT number: it looks like DE123456789." });
    expect(issues({ city: "Berlin" })).toEqual({ country: "Choose the country." });
    expect(issues({ taxId: "DE123456789" })).toEqual({ country: "Choose the country that issued the tax ID." });
    expect(issues({ country: "ZZ" })).toEqual({ country: "Choose a country from the list." });
    expect(issues({ country: "FR" })).toMatchObject({ line1: "Enter the street address.", city: "Enter the city." });
    expect(issues({ line1: "x".repeat(201), city: "Paris", country: "FR", postalCode: "75001" })).toEqual({
      line1: "Address line 1 is too long: at most 200 characters.",
    });
    expect(issues({ line1: "Rue\u0000 1", city: "Paris", country: "FR", postalCode: "75001" })).toEqual({
      line1: "Address line 1 contains characters we can't print.",
    });
  });

  it("reports every mistake of one submission at once, the email's with the address's", () => {
    expect(
      issues({
        email: "ap@acme",
        line1: "1 Market St",
        city: "San Francisco",
        country: "US",
        postalCode: "10117",
        taxId: "12345",
        line2: "x".repeat(201),
      }),
    ).toEqual({
      email: "Enter an email address like billing@example.com.",
      line2: "Address line 2 is too long: at most 200 characters.",
      state: "Enter the state, like CA.",
      taxId: "That isn't a United States EIN: it looks like 12-3456789.",
    });
  });

  it("normalises postal codes and state codes, and allows none where a country has none", () => {
    const ca = parse({ line1: "1 Wellington St", city: "Ottawa", country: "CA", state: "on", postalCode: "k1a0b1" });
    expect(ca.success && [ca.data.postalCode, ca.data.state]).toEqual(["K1A 0B1", "ON"]);
    const gb = parse({ line1: "10 Downing St", city: "London", country: "GB", postalCode: "sw1a2aa" });
    expect(gb.success && gb.data.postalCode).toBe("SW1A 2AA");
    expect(parse({ line1: "1 Queen's Rd", city: "Hong Kong", country: "HK" }).success).toBe(true);
    expect(issues({ line1: "Rue 1", city: "Paris", country: "FR" })).toEqual({
      postalCode: "Enter the postal code, like 75001.",
    });
  });

  it("normalises tax IDs per kind and refuses countries without one we record", () => {
    expect(normalizeTaxId("US", "123456789")).toBe("12-3456789");
    expect(normalizeTaxId("GR", "123456789")).toBe("EL123456789");
    expect(normalizeTaxId("CH", "che123456789")).toBe("CHE-123.456.789 MWST");
    expect(normalizeTaxId("NO", "123 456 789")).toBe("123456789MVA");
    expect(taxIdRule("GB")).toMatchObject({ type: "gb_vat" });
    expect(taxIdRule("AQ")).toBeNull();
    expect(issues({ line1: "Main St 1", city: "Reykjavik", country: "IS", postalCode: "101", taxId: "12345" })).toEqual(
      {},
    );
    expect(issues({ line1: "1 Rd", city: "Kathmandu", country: "NP", postalCode: "44600", taxId: "123" })).toEqual({
      taxId:
        "We can't record tax IDs from Nepal yet. Leave it empty, or write to us and we'll add it to your invoices.",
    });
  });

  it("refuses unknown fields", () => {
    expect(billingDetailsSchema.safeParse({ ...base, admin: "1" }).success).toBe(false);
  });

  it("lists countries by name and prints addresses as the country writes them", () => {
    const options = countryOptions();
    expect(options.find((o) => o.code === "DE")?.name).toBe("Germany");
    expect(options.length).toBeGreaterThan(200);
    expect(
      addressLinesOf({
        line1: "1 Main St",
        line2: null,
        city: "Springfield",
        state: "IL",
        postalCode: "62701",
        country: "US",
      }),
    ).toEqual(["1 Main St", "Springfield, IL 62701", "United States"]);
    expect(
      addressLinesOf({
        line1: "Unter den Linden 1",
        line2: "3. OG",
        city: "Berlin",
        state: null,
        postalCode: "10117",
        country: "DE",
      }),
    ).toEqual(["Unter den Linden 1", "3. OG", "10117 Berlin", "Germany"]);
    expect(
      addressLinesOf({ line1: null, line2: null, city: null, state: null, postalCode: null, country: null }),
    ).toEqual([]);
  });
});
