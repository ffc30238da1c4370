export { noteTrialEnding as handle } from "./subscription-events";
