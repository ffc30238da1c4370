import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { z } from "zod";
import { getDb } from "@/db/client";
import type { MemberRole } from "@/db/schema";
import type { Db } from "@/db/types";
import { userActor, type UserActor } from "@/lib/audit";
import type { CurrentUser, OrgContext } from "@/lib/auth/access";
import { requireOrgRole, requirePlatformAdmin, requireUser } from "@/lib/auth/session";
import { getStripe, type Stripe } from "@/lib/stripe/client";
import {
  defineAction,
  type ActionEffects,
  type ActionOptions,
  type Guard,
  type Refresh,
  type ServerAction,
} from "./action-chain";

export type { ActionResult, ActionState } from "./action-result";

/**
 * The one shape of a server action: `orgAction({ role, schema }, fn)` for a customer action,
 * `adminAction({ schema }, fn)` for the console. Signed in → member with `role` / platform
 * admin → input parsed with `schema` (a form schema: coercion happens there) → `fn(input, ctx)`
 * with `ctx = { db, stripe, user, actor, … }` → pages revalidated → one ActionResult. See
 * action-chain.ts for the arguments a page binds and what each kind of error becomes.
 */

export type BaseActionContext = { db: Db; stripe: Stripe; user: CurrentUser; actor: UserActor };
export type OrgActionContext = BaseActionContext & OrgContext & { slug: string };
export type AdminActionContext = BaseActionContext;

const nextEffects: ActionEffects = {
  revalidate: (r: Refresh) => (typeof r === "string" ? revalidatePath(r) : revalidatePath(r.layout, "layout")),
  redirect: (path: string): never => redirect(path),
};

async function base(user: CurrentUser): Promise<BaseActionContext> {
  return { db: await getDb(), stripe: getStripe(), user, actor: userActor(user) };
}

/** Signed in and a member of the organization `slug` (the first bound argument) with at least `role`. */
export function orgGuard(role: MemberRole): Guard<OrgActionContext> {
  return async ([slug]) => {
    const { user, organization, role: callerRole, viaPlatformAdmin } = await requireOrgRole(slug ?? "", role);
    return { ...(await base(user)), organization, role: callerRole, viaPlatformAdmin, slug: organization.slug };
  };
}

/** Anyone (sign-up, password reset, accepting an invitation): the body proves who it is from a token or a password. */
export type PublicActionContext = { db: Db; stripe: Stripe };
export const publicGuard: Guard<PublicActionContext> = async () => ({ db: await getDb(), stripe: getStripe() });

/** Signed in (actions on one's own account). */
export const userGuard: Guard<BaseActionContext> = async () => base(await requireUser());

/** Signed in and platform staff (the second gate after the /admin layout). */
export const adminGuard: Guard<AdminActionContext> = async () => base(await requirePlatformAdmin());

/** A customer action: the page binds the organization's slug. */
export function orgAction<S extends z.ZodType = z.ZodUndefined, T = undefined>(
  opts: ActionOptions<S, T> & { role: MemberRole },
  fn: (input: z.output<S>, ctx: OrgActionContext) => Promise<T>,
): ServerAction<[slug: string], z.input<S>, T> {
  return defineAction<OrgActionContext, S, T, [slug: string]>(
    orgGuard(opts.role),
    opts,
    (input, ctx) => fn(input, ctx),
    nextEffects,
  );
}

/** An action on the caller's own account (password, sessions): signed in is enough. */
export function userAction<S extends z.ZodType = z.ZodUndefined, T = undefined>(
  opts: ActionOptions<S, T>,
  fn: (input: z.output<S>, ctx: BaseActionContext) => Promise<T>,
): ServerAction<[], z.input<S>, T> {
  return defineAction<BaseActionContext, S, T, []>(userGuard, opts, (input, ctx) => fn(input, ctx), nextEffects);
}

/** An action anyone may call (signed out): its body checks a token or throttles by address. */
export function publicAction<S extends z.ZodType = z.ZodUndefined, T = undefined>(
  opts: ActionOptions<S, T>,
  fn: (input: z.output<S>, ctx: PublicActionContext) => Promise<T>,
): ServerAction<[], z.input<S>, T> {
  return defineAction<PublicActionContext, S, T, []>(publicGuard, opts, (input, ctx) => fn(input, ctx), nextEffects);
}

/** A platform admin action; the page may bind the target (an organization id, a flag key…). Audited by its service. */
export function adminAction<S extends z.ZodType = z.ZodUndefined, T = undefined, A extends string[] = []>(
  opts: ActionOptions<S, T>,
  fn: (input: z.output<S>, ctx: AdminActionContext, ...bound: A) => Promise<T>,
): ServerAction<A, z.input<S>, T> {
  return defineAction(adminGuard, opts, fn, nextEffects);
}
