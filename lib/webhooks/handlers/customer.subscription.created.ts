export { applySubscriptionEvent as handle } from "./subscription-events";
