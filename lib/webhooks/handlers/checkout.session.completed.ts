export { checkoutCompleted as handle } from "./customer-events";
