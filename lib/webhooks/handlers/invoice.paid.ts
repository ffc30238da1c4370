export { endDunning as handle } from "./invoice-events";
