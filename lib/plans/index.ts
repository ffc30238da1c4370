export * from "./catalog";
export * from "./limits";
export * from "./period";
export * from "./price";
