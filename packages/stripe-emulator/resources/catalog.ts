import type { Core } from "../core/core";
import { invalidParam, stateError } from "../core/errors";
import { newId } from "../core/ids";
import { paginate } from "../core/list";
import { type Params, readListParams } from "../core/params";
import { realNow } from "../core/core";
import type { WPrice, WProduct } from "../core/wire";
import type { Router } from "../http/router";
import { must } from "./common";

/** Products and prices. */

const INTERVALS = ["day", "week", "month", "year"] as const;

function createProduct(core: Core, p: Params, defaultPriceParam?: string): WProduct {
  const now = realNow();
  const id = p.text("id") ?? newId("prod");
  if (core.store.get("products", id)) throw invalidParam("id", `Product already exists.`, "resource_already_exists");
  const product: WProduct = {
    id,
    object: "product",
    active: p.bool("active") ?? true,
    created: now,
    default_price: null,
    description: p.text("description") ?? null,
    images: p.strList("images"),
    livemode: false,
    marketing_features: p.list("marketing_features").map((f) => ({ name: f.text("name") })),
    metadata: p.metadata(),
    name: p.reqStr("name"),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: p.text("statement_descriptor") ?? null,
    tax_code: p.text("tax_code") ?? null,
    tax_details: null,
    type: "service",
    unit_label: p.text("unit_label") ?? null,
    updated: now,
    url: p.text("url") ?? null,
  };
  core.store.insert("products", product);
  core.emit("product.created", product);
  const dp = p.obj(defaultPriceParam ?? "default_price_data");
  if (dp) {
    const price = createPrice(core, dp, product.id);
    const before = core.snap(product);
    product.default_price = price.id;
    core.emitUpdated("product.updated", product, before);
  }
  return product;
}

function assignLookupKey(core: Core, price: WPrice, key: string | undefined, transfer: boolean): void {
  if (key === undefined) return;
  const holder = core.store.all("prices").find((x) => x.lookup_key === key && x.id !== price.id);
  if (holder) {
    if (!transfer) {
      throw invalidParam("lookup_key", `A price (\`${holder.id}\`) already uses that lookup key.`);
    }
    const before = core.snap(holder);
    holder.lookup_key = null;
    core.emitUpdated("price.updated", holder, before);
  }
  price.lookup_key = key;
}

/** Integer minor units only: `unit_amount`, or a whole-number `unit_amount_decimal`. */
function readUnitAmount(p: Params): number {
  const decimal = p.text("unit_amount_decimal");
  if (decimal !== undefined && !/^\d+$/.test(decimal)) {
    throw invalidParam("unit_amount_decimal", "The emulator supports whole minor-unit amounts only (e.g. 2000).");
  }
  const amount = p.int("unit_amount") ?? (decimal !== undefined ? Number(decimal) : undefined);
  if (amount === undefined)
    throw invalidParam("unit_amount", "Missing required param: unit_amount.", "parameter_missing");
  if (amount < 0) throw invalidParam("unit_amount", "Invalid non-negative integer");
  return amount;
}

function missingInterval(): never {
  throw invalidParam("recurring[interval]", "Missing required param: recurring[interval].", "parameter_missing");
}

function createPrice(core: Core, p: Params, forcedProduct?: string): WPrice {
  let productId = forcedProduct ?? p.text("product");
  const productData = p.obj("product_data");
  if (!productId && productData) productId = createProduct(core, productData).id;
  if (!productId)
    throw invalidParam("product", "You must specify either `product` or `product_data` when creating a price.");
  must(core, "products", productId, "product");
  const unitAmount = readUnitAmount(p);
  const recurring = p.obj("recurring");
  const price: WPrice = {
    id: newId("price"),
    object: "price",
    active: p.bool("active") ?? true,
    billing_scheme: "per_unit",
    created: realNow(),
    currency: p.reqStr("currency").toLowerCase(),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: p.metadata(),
    nickname: p.text("nickname") ?? null,
    product: productId,
    recurring: recurring
      ? {
          interval: recurring.oneOf("interval", INTERVALS) ?? missingInterval(),
          interval_count: recurring.int("interval_count") ?? 1,
          meter: null,
          trial_period_days: recurring.int("trial_period_days") ?? null,
          usage_type: recurring.oneOf("usage_type", ["licensed", "metered"] as const) ?? "licensed",
        }
      : null,
    tax_behavior: p.oneOf("tax_behavior", ["exclusive", "inclusive", "unspecified"] as const) ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
  assignLookupKey(core, price, p.text("lookup_key"), p.bool("transfer_lookup_key") ?? false);
  core.store.insert("prices", price);
  core.emit("price.created", price);
  return price;
}

export function registerCatalog(router: Router): void {
  router
    .post("/v1/products", ({ core, params }) => createProduct(core, params))
    .get("/v1/products/:id", ({ core, ids }) => must(core, "products", ids.id ?? ""))
    .post("/v1/products/:id", ({ core, ids, params: p }) => {
      const product = must(core, "products", ids.id ?? "");
      const before = core.snap(product);
      if (p.has("name")) product.name = p.reqStr("name");
      if (p.has("active")) product.active = p.bool("active") ?? product.active;
      if (p.has("description")) product.description = p.text("description") ?? null;
      if (p.has("default_price")) {
        const dp = p.text("default_price");
        if (dp) must(core, "prices", dp, "default_price");
        product.default_price = dp ?? null;
      }
      if (p.has("unit_label")) product.unit_label = p.text("unit_label") ?? null;
      if (p.has("url")) product.url = p.text("url") ?? null;
      product.metadata = p.metadata(product.metadata);
      product.updated = realNow();
      core.emitUpdated("product.updated", product, before);
      return product;
    })
    .del("/v1/products/:id", ({ core, ids }) => {
      const product = must(core, "products", ids.id ?? "");
      if (core.store.all("prices").some((x) => x.product === product.id)) {
        throw stateError("This product cannot be deleted because it has one or more user-created prices.");
      }
      core.store.state.deleted[product.id] = true;
      core.emit("product.deleted", product);
      return { id: product.id, object: "product", deleted: true };
    })
    .get("/v1/products", ({ core, params: p }) => {
      const active = p.bool("active");
      const ids = p.strList("ids");
      const rows = core.store
        .all("products")
        .filter((x) => !core.store.state.deleted[x.id])
        .filter((x) => active === undefined || x.active === active)
        .filter((x) => ids.length === 0 || ids.includes(x.id));
      return paginate(core, rows, readListParams(p), "/v1/products");
    });

  router
    .post("/v1/prices", ({ core, params }) => createPrice(core, params))
    .get("/v1/prices/:id", ({ core, ids }) => must(core, "prices", ids.id ?? ""))
    .post("/v1/prices/:id", ({ core, ids, params: p }) => {
      const price = must(core, "prices", ids.id ?? "");
      const before = core.snap(price);
      if (p.has("active")) price.active = p.bool("active") ?? price.active;
      if (p.has("nickname")) price.nickname = p.text("nickname") ?? null;
      if (p.has("lookup_key")) {
        const key = p.text("lookup_key");
        if (key === undefined) price.lookup_key = null;
        else assignLookupKey(core, price, key, p.bool("transfer_lookup_key") ?? false);
      }
      price.metadata = p.metadata(price.metadata);
      core.emitUpdated("price.updated", price, before);
      return price;
    })
    .get("/v1/prices", ({ core, params: p }) => {
      const active = p.bool("active");
      const product = p.text("product");
      const currency = p.text("currency");
      const type = p.text("type");
      const lookupKeys = p.strList("lookup_keys");
      const interval = p.obj("recurring")?.text("interval");
      const rows = core.store
        .all("prices")
        .filter((x) => active === undefined || x.active === active)
        .filter((x) => !product || x.product === product)
        .filter((x) => !currency || x.currency === currency)
        .filter((x) => !type || x.type === type)
        .filter((x) => !interval || x.recurring?.interval === interval)
        .filter((x) => lookupKeys.length === 0 || (x.lookup_key !== null && lookupKeys.includes(x.lookup_key)));
      return paginate(core, rows, readListParams(p), "/v1/prices");
    });
}
