export { isSlug, isUuid } from "./ids";
