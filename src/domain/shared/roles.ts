/**
 * Who may do what in a workspace's CRM. Each member has one role:
 * - `admin`: everything, plus workspace settings, the digest's stale period and threshold, and roles;
 * - `member`: reads and writes deals, contacts, companies, activities, tasks and digests;
 * - `read_only`: reads everything and writes nothing (but their own nudge settings).
 *
 * The services call these guards at the top of each public write (one line each), so a rule holds
 * for every surface and job alike. The guards read the role from the database, not from the Actor
 * (a surface may keep an Actor for a few minutes): a role change takes effect on the next write.
 * Every refusal names the workspace's admins, so the person knows whom to ask.
 */
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../context.js';
import { DomainError, DomainErrorCode, RefusalReason } from '../errors.js';

export const ROLES = ['admin', 'member', 'read_only'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** A role as people read and type it. */
export const ROLE_WORDS: Readonly<Record<Role, string>> = { admin: 'admin', member: 'member', read_only: 'read-only' };

/**
 * The role a stored value stands for. Only the domain writes the column (validated by
 * `roleSchema`); anything else found there is read as `read_only`, so a bad value never grants
 * more than reading.
 */
export function roleOf(stored: string | null | undefined): Role {
  const parsed = roleSchema.safeParse(stored);
  return parsed.success ? parsed.data : 'read_only';
}

/** How many admins a refusal names before it says "or one of N other admins". */
export const ADMINS_NAMED = 3;

/** The workspace's active admins, by name (the people a refusal tells you to ask). */
export async function adminsOf(db: Db | Tx, workspaceId: string): Promise<{ id: string; displayName: string; handle: string }[]> {
  return db.member.findMany({
    where: { workspaceId, role: 'admin', deactivated: null },
    orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    select: { id: true, displayName: true, handle: true },
  });
}

/** "Maria Garcia", "Maria Garcia or Sam Lee", "Ana, Bea, Maria Garcia or one of 2 other admins". */
export function whoToAsk(names: readonly string[]): string {
  if (names.length <= ADMINS_NAMED) return orList(names);
  const shown = names.slice(0, ADMINS_NAMED);
  const more = names.length - ADMINS_NAMED;
  return `${shown.join(', ')} or ${more === 1 ? 'one other admin' : `one of ${more} other admins`}`;
}

function orList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** What a workspace without an active admin is told (its admins left): how it gets one again. */
const NO_ADMIN =
  'This workspace has no active admin just now: a Slack workspace admin or owner, or whoever installs the app in Teams, becomes one when they next use the CRM.';

/** "Only admins can change workspace settings. Ask Maria Garcia or Sam Lee." */
export function adminOnlyError(what: string, admins: readonly string[]): DomainError {
  const ask = admins.length > 0 ? `Ask ${whoToAsk(admins)}.` : NO_ADMIN;
  return new DomainError(DomainErrorCode.AdminOnly, `Only admins can ${what}. ${ask}`, { choices: [...admins] });
}

/** "You have read-only access to this CRM. Ask an admin (Maria Garcia) if you need to change things." */
export function readOnlyError(admins: readonly string[]): DomainError {
  const ask = admins.length > 0 ? ` Ask an admin (${whoToAsk(admins)}) if you need to change things.` : ` ${NO_ADMIN}`;
  return new DomainError(DomainErrorCode.ReadOnly, `You have read-only access to this CRM.${ask}`, { choices: [...admins] });
}

/** The acting member's role, read now; a refusal when the actor is no member of the workspace. */
export async function roleOfActor(actor: Actor, deps: { db: Db }, db: Db | Tx = deps.db): Promise<Role> {
  const me = await db.member.findFirst({ where: { id: actor.memberId, workspaceId: actor.workspaceId }, select: { role: true } });
  if (!me) {
    throw new DomainError(DomainErrorCode.NotAMember, 'I don’t know you in this workspace, so I haven’t changed anything.', {
      reason: RefusalReason.Outsider,
    });
  }
  return roleOf(me.role);
}

/** Refuses a read-only member: call at the top of every public write. */
export async function requireWriter(actor: Actor, deps: { db: Db }, db: Db | Tx = deps.db): Promise<void> {
  if ((await roleOfActor(actor, deps, db)) !== 'read_only') return;
  throw readOnlyError((await adminsOf(db, actor.workspaceId)).map((a) => a.displayName));
}

/**
 * Refuses anyone but an admin. `what` finishes "Only admins can …" (e.g. "change workspace
 * settings"). Pass the transaction when the write that follows depends on the role.
 */
export async function requireAdmin(actor: Actor, deps: { db: Db }, what: string, db: Db | Tx = deps.db): Promise<void> {
  if ((await roleOfActor(actor, deps, db)) === 'admin') return;
  throw adminOnlyError(what, (await adminsOf(db, actor.workspaceId)).map((a) => a.displayName));
}
