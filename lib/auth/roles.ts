import type { MemberRole } from "@/db/schema";

export const ROLE_RANK: Record<MemberRole, number> = { member: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: MemberRole, min: MemberRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

/** Owners and admins change billing; members read. */
export function canManageBilling(role: MemberRole): boolean {
  return roleAtLeast(role, "admin");
}
