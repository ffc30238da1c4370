export { cardAttached as handle } from "./customer-events";
