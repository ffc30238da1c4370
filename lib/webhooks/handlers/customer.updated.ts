export { customerUpdated as handle } from "./customer-events";
