export { canManageBilling, roleAtLeast, ROLE_RANK } from "./roles";
export type { CurrentUser, OrgContext } from "./access";
export { revokeSessions, revokeSession, readSessionUser, SESSION_MAX_AGE_SECONDS } from "./sessions";
export {
  changePassword,
  changePasswordSchema,
  newPasswordSchema,
  signOutEverywhere,
  MIN_PASSWORD_LENGTH,
} from "./account";
export { safeNextPath, safeRedirectUrl } from "./redirect";
