export { processEvent, replayEvent, replayFailedEvents, type ProcessOutcome } from "./process";
export { HANDLED_EVENT_TYPES, isHandledEventType } from "./handlers";
