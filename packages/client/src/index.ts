export { AgentBillClient, type ClientOptions } from "./client";
export * from "./errors";
export type * from "./types";
