export { canManageBilling, roleAtLeast, ROLE_RANK } from "./roles";
export type { CurrentUser, OrgContext } from "./access";
