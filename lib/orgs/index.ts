/** Organizations: members (invite, role, remove) and Enterprise requests. */
export { createEnterpriseRequest, enterpriseRequestSchema, listEnterpriseRequests } from "./enterprise-requests";
export {
  changeMemberRole,
  changeRoleSchema,
  inviteMember,
  inviteMemberSchema,
  listMembers,
  removeMember,
  removeMemberSchema,
} from "./members";
export {
  acceptInvitation,
  acceptInvitationSchema,
  invitationIdSchema,
  listPendingInvitations,
  resendInvitation,
  revokeInvitation,
  viewInvitation,
} from "./invitations";
export { hashToken, newToken } from "./tokens";
export { getSuspensionNotice } from "./suspension";
