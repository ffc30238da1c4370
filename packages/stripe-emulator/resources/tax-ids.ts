import type { Core } from "../core/core";
import { invalidParam, noSuch } from "../core/errors";
import { newId } from "../core/ids";
import { paginate } from "../core/list";
import { readListParams } from "../core/params";
import type { WTaxId } from "../core/wire";
import type { Router } from "../http/router";
import { must } from "./common";

/**
 * Customer tax IDs (`/v1/customers/:id/tax_ids`). Stripe checks the value's format per type and
 * answers `tax_id_invalid` on `value`; here the common types get their format checked, others
 * any non-empty value. Verification of EU VAT numbers is reported as `pending` (never completed).
 */

const FORMATS: Record<string, { country: string | null; re: RegExp }> = {
  eu_vat: {
    country: null,
    re: /^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)[A-Z0-9+*]{2,13}$/,
  },
  gb_vat: { country: "GB", re: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/ },
  us_ein: { country: "US", re: /^\d{2}-?\d{7}$/ },
  ca_bn: { country: "CA", re: /^\d{9}$/ },
  au_abn: { country: "AU", re: /^\d{11}$/ },
  ch_vat: { country: "CH", re: /^CHE-\d{3}\.\d{3}\.\d{3} (MWST|TVA|IVA)$/ },
  no_vat: { country: "NO", re: /^\d{9}MVA$/ },
  nz_gst: { country: "NZ", re: /^\d{8,9}$/ },
  in_gst: { country: "IN", re: /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[\dA-Z]$/ },
  jp_cn: { country: "JP", re: /^\d{13}$/ },
};

const KNOWN_TYPES = new Set([
  ...Object.keys(FORMATS),
  "ae_trn",
  "br_cnpj",
  "br_cpf",
  "hk_br",
  "il_vat",
  "is_vat",
  "kr_brn",
  "mx_rfc",
  "sa_vat",
  "sg_uen",
  "sg_gst",
  "tr_tin",
  "tw_vat",
  "za_vat",
  "ca_gst_hst",
  "ca_qst",
  "au_arn",
  "li_uid",
  "ru_inn",
  "th_vat",
  "my_sst",
  "id_npwp",
]);

const EU_COUNTRY: Record<string, string> = { EL: "GR", XI: "GB" };

function createTaxId(core: Core, customerId: string, type: string, value: string): WTaxId {
  const customer = must(core, "customers", customerId);
  if (!KNOWN_TYPES.has(type))
    throw invalidParam("type", `Invalid value for type: must be one of the supported tax ID types.`);
  const format = FORMATS[type];
  if (!value.trim() || (format && !format.re.test(value)))
    throw invalidParam("value", `Invalid value for ${type}.`, "tax_id_invalid");
  const prefix = value.slice(0, 2);
  const taxId: WTaxId = {
    id: newId("txi"),
    object: "tax_id",
    country: format?.country ?? (type === "eu_vat" ? (EU_COUNTRY[prefix] ?? prefix) : null),
    created: core.now(customer.id),
    customer: customer.id,
    customer_account: null,
    livemode: false,
    owner: { type: "customer", customer: customer.id, customer_account: null },
    type: type as WTaxId["type"],
    value,
    verification: type === "eu_vat" ? { status: "pending", verified_address: null, verified_name: null } : null,
  };
  core.store.insert("taxIds", taxId);
  core.emit("customer.tax_id.created", taxId);
  return taxId;
}

function taxIdOf(core: Core, customerId: string, id: string): WTaxId {
  must(core, "customers", customerId);
  const taxId = core.store.get("taxIds", id);
  if (!taxId || taxId.customer !== customerId) throw noSuch("tax_id", id);
  return taxId;
}

/** The customer's tax IDs in the shape invoices snapshot them (`customer_tax_ids`). */
export function invoiceTaxIds(core: Core, customerId: string): { type: WTaxId["type"]; value: string }[] {
  return core.store
    .all("taxIds")
    .filter((t) => t.customer === customerId)
    .sort((a, b) => core.store.orderOf(a.id) - core.store.orderOf(b.id))
    .map((t) => ({ type: t.type, value: t.value }));
}

export function registerTaxIds(router: Router): void {
  router
    .post("/v1/customers/:id/tax_ids", ({ core, ids, params }) =>
      createTaxId(core, ids.id ?? "", params.reqStr("type"), params.reqStr("value")),
    )
    .get("/v1/customers/:id/tax_ids/:taxId", ({ core, ids }) => taxIdOf(core, ids.id ?? "", ids.taxId ?? ""))
    .del("/v1/customers/:id/tax_ids/:taxId", ({ core, ids }) => {
      const taxId = taxIdOf(core, ids.id ?? "", ids.taxId ?? "");
      core.store.remove("taxIds", taxId.id);
      core.emit("customer.tax_id.deleted", taxId);
      return { id: taxId.id, object: "tax_id", deleted: true };
    })
    .get("/v1/customers/:id/tax_ids", ({ core, ids, params }) => {
      const customerId = ids.id ?? "";
      must(core, "customers", customerId);
      const rows = core.store.all("taxIds").filter((t) => t.customer === customerId);
      return paginate(core, rows, readListParams(params), `/v1/customers/${customerId}/tax_ids`);
    });
}
