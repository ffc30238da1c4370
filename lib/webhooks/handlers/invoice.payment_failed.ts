export { startDunning as handle } from "./invoice-events";
