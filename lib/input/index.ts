export { isSlug, isUuid, uuidParam, slugParam, flagKeyParam, stripeEventIdParam, parseIdOrNotFound } from "./ids";
export { cleanString, sanitizeInput, stringProblem, MAX_INPUT_STRING, type InputIssue } from "./text";
export { booleanFromText, numberFromText } from "./numbers";
export { coerceForm, formOf } from "./form";
export { dateRangeSchema, daySchema, daysInRange, instantSchema, MAX_DAY, MIN_DAY } from "./dates";
export { safeParseInput } from "./parse";
export { strictDeep } from "./strict";
