export { cardDetached as handle } from "./customer-events";
