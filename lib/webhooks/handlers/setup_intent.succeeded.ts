// The card is saved by the billing service when it finalizes the SetupIntent; the event is recorded.
export { recordOnly as handle } from "./customer-events";
