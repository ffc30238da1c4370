export * from "./enums";
export * from "./orgs";
export * from "./plans";
export * from "./usage";
export * from "./billing";
export * from "./admin";
export * from "./auth";
export * from "./billing-details";
