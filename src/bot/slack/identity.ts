/**
 * Who is speaking, and whether they may use the CRM at all.
 *
 * A Slack team becomes a workspace, and one of its own people a member on first contact. People
 * from another organisation (Slack Connect: their team differs from the installation's) and
 * guests (users.info `is_restricted` / `is_ultra_restricted`, unless the workspace allows guests)
 * are refused, and nothing is written for them.
 *
 * Nothing here calls Slack's Web API before a request is acknowledged:
 * - `knownActor` answers from the payload, the database and a short cache only (for the work a
 *   handler does before `ack`: view submissions, typeahead);
 * - `actor` may ask `users.info` about someone never seen (or not checked for a day); handlers
 *   call it after `ack` and answer through the response URL.
 * What `users.info` said is kept on the member, and refreshed by `user_change` events.
 */
import type { WebClient } from '@slack/web-api';
import type { Actor, Crm } from '../../domain/index.js';
import { DomainError, DomainErrorCode, RefusalReason } from '../../domain/errors.js';
import { notAMember } from '../../domain/identity/identity.service.js';
import type { Member, Workspace } from '../../generated/sqlite/client.js';
import type { Logger } from '../../log.js';

export interface SlackIds {
  /** The team of the installation that received the request (Bolt's context.teamId). */
  teamId: string;
  userId: string;
  /** The person's own team, as the payload says (`user.team_id`, a command's `team_id`). */
  userTeamId?: string;
  /** A name to start with (the slash command's user_name); users.info refines it. */
  userName?: string;
  teamName?: string;
}

/** What users.info says about a person, as the CRM keeps it. */
export interface SlackProfile {
  id: string;
  team_id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  is_bot?: boolean;
  tz?: string;
  profile?: { display_name?: string; email?: string; team?: string };
}

/** How long an answer about a person holds before users.info is asked again. */
export const PROFILE_TTL_MS = 24 * 3600_000;
/** How long a resolved actor (or a refusal) is kept in memory: most requests then cost no query. */
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

interface CacheEntry {
  at: number;
  actor?: Actor;
  refusal?: RefusalReason;
}

export class SlackIdentity {
  private cache = new Map<string, CacheEntry>();

  /**
   * @param homeTeamId the installation's own team (auth.test's team_id) in single-workspace and
   * Socket Mode; undefined with OAuth, where each request's installation team is its home.
   */
  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
    private readonly defaults: { currency: string; timeZone: string },
    private readonly homeTeamId: () => string | undefined = () => undefined,
  ) {}

  /**
   * The acting member, asking users.info when the person is new or not checked for a day.
   * Throws the refusal (DomainError NotAMember) for outsiders and guests; writes nothing for them.
   * Call only after the request is acknowledged.
   */
  async actor(ids: SlackIds, client: WebClient): Promise<Actor> {
    const known = await this.lookup(ids);
    if (known.actor && !known.stale) return known.actor;
    const ws = known.workspace ?? (await this.workspace(ids));
    const profile = await this.profile(client, ids.userId);
    if (!profile) {
      // Slack could not say: someone known keeps what was said before; someone new waits.
      if (known.actor) return known.actor;
      throw notAMember(RefusalReason.Unverified);
    }
    return this.admitProfile(ids, ws, profile);
  }

  /**
   * The acting member from what is already known (no Web API call): undefined when only users.info
   * can tell who this is. Throws the refusal when the payload or the stored member already says no.
   */
  async knownActor(ids: SlackIds): Promise<Actor | undefined> {
    return (await this.lookup(ids)).actor;
  }

  /**
   * A person another person named (an owner picked in a modal): their member id, made a member on
   * first mention when users.info says they are one of the workspace's own people. Throws a
   * DomainError on the `owner` field for guests and outsiders. With `client` undefined, answers
   * only from the database (before `ack`): undefined when users.info would be needed.
   */
  async memberFor(teamActor: Actor, userId: string, client?: WebClient): Promise<string | undefined> {
    const ws = await this.crm.identity.getWorkspace(teamActor.workspaceId);
    const existing = await this.crm.identity.findMember(ws.id, userId);
    if (existing && (existing.profileCheckedAt || !client)) {
      this.admitOwner(ws, existing);
      return existing.id;
    }
    if (!client) return undefined;
    const profile = await this.profile(client, userId);
    if (!profile) {
      if (existing) return existing.id;
      throw ownerRefusal(RefusalReason.Unverified);
    }
    const verdict = this.verdict(ws.externalId, profile);
    if (verdict) throw ownerRefusal(verdict);
    const member = await this.crm.identity.ensureMember({ workspaceId: ws.id, externalId: userId, ...memberFields(profile, teamActor.timeZone) });
    this.admitOwner(ws, member);
    return member.id;
  }

  /**
   * An OAuth install: whoever installed the app administers this workspace's CRM (as the Teams
   * installer does). They become a member with what users.info says (asked with the new bot token),
   * as an admin, or are promoted to admin when already a member. Someone users.info says is a guest,
   * deactivated or from another organisation is left as they are (undefined). When Slack can't say,
   * they start named by their user id and are refreshed on first use.
   */
  async installer(ids: { teamId: string; teamName?: string; userId: string }, client: WebClient): Promise<Member | undefined> {
    const ws = await this.workspace(ids);
    const profile = await this.profile(client, ids.userId);
    if (profile && this.verdict(ws.externalId, profile)) return undefined;
    this.forgetUser(ids.teamId, ids.userId);
    const existing = await this.crm.identity.findMember(ws.id, ids.userId);
    const fields = profile
      ? memberFields(profile, existing?.timezone ?? ws.timezone)
      : { handle: existing?.handle ?? ids.userId.toLowerCase(), displayName: existing?.displayName ?? ids.userId, timezone: existing?.timezone ?? ws.timezone };
    return this.crm.identity.ensureMember({ workspaceId: ws.id, externalId: ids.userId, ...fields, platformAdmin: true });
  }

  /** A `user_change` event: refreshes what the CRM keeps about someone it knows (null: someone it does not). */
  async refresh(teamId: string, user: SlackProfile): Promise<Member | null> {
    this.forgetUser(teamId, user.id);
    const ws = await this.crm.identity.findWorkspace('slack', teamId);
    if (!ws) return null;
    const member = await this.crm.identity.findMember(ws.id, user.id);
    if (!member) return null;
    return this.crm.identity.refreshMember(ws.id, user.id, {
      ...memberFields(user, member.timezone),
      deactivated: Boolean(user.deleted) || this.verdict(ws.externalId, user) === RefusalReason.Outsider,
    });
  }

  forget(teamId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${teamId}:`)) this.cache.delete(key);
  }

  forgetUser(teamId: string, userId: string): void {
    this.cache.delete(`${teamId}:${userId}`);
  }

  // -------------------------------------------------------------------------------------------

  /** Everything known without Slack's API: the cache, the payload's team ids, the stored member. */
  private async lookup(ids: SlackIds): Promise<{ actor?: Actor; stale?: boolean; workspace?: Workspace }> {
    const home = this.homeTeamId() ?? ids.teamId;
    // Another organisation's person (Slack Connect), or a request for a team this app is not
    // installed in as its home: decided from the payload alone.
    if (ids.teamId !== home || (ids.userTeamId && ids.userTeamId !== home)) throw notAMember(RefusalReason.Outsider);
    const key = `${ids.teamId}:${ids.userId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) {
      if (hit.actor) return { actor: hit.actor };
      // A refused guest: re-read the workspace, so that "guests on" takes effect at once.
      if (hit.refusal !== RefusalReason.Guest || !(await this.workspace(ids)).allowGuests) throw notAMember(hit.refusal!);
      this.cache.delete(key);
    }
    const ws = await this.crm.identity.findWorkspace('slack', ids.teamId);
    if (!ws) return {};
    const member = await this.crm.identity.findMember(ws.id, ids.userId);
    if (!member) return { workspace: ws };
    this.crm.identity.admit(ws, member);
    const actor = await this.crm.identity.actorFor(member);
    const stale = !member.profileCheckedAt || this.crm.clock.now().getTime() - member.profileCheckedAt.getTime() > PROFILE_TTL_MS;
    if (!stale && member.access === 'member') this.remember(key, { actor });
    return { actor, stale, workspace: ws };
  }

  private async admitProfile(ids: SlackIds, ws: Workspace, profile: SlackProfile): Promise<Actor> {
    const key = `${ids.teamId}:${ids.userId}`;
    const verdict = this.verdict(ws.externalId, profile);
    const existing = await this.crm.identity.findMember(ws.id, ids.userId);
    if (verdict) {
      if (existing) {
        // Someone who was a member and now is not (moved to a guest account, or deactivated).
        await this.crm.identity.refreshMember(ws.id, ids.userId, { ...memberFields(profile, ws.timezone), deactivated: verdict !== RefusalReason.Guest });
      }
      if (verdict !== RefusalReason.Guest || !ws.allowGuests) {
        this.remember(key, { refusal: verdict });
        throw notAMember(verdict);
      }
    }
    const member = await this.crm.identity.ensureMember({
      workspaceId: ws.id,
      externalId: ids.userId,
      ...memberFields(profile, existing?.timezone ?? ws.timezone, ids.userName),
    });
    this.crm.identity.admit(ws, member);
    const actor = await this.crm.identity.actorFor(member);
    if (member.access === 'member') this.remember(key, { actor });
    return actor;
  }

  /** Why users.info's answer keeps this person out (a guest may still be let in by the workspace). */
  private verdict(homeTeamId: string, u: SlackProfile): RefusalReason | undefined {
    if (u.is_stranger || (u.team_id && u.team_id !== homeTeamId)) return RefusalReason.Outsider;
    if (u.deleted) return RefusalReason.Deactivated;
    if (u.is_restricted || u.is_ultra_restricted) return RefusalReason.Guest;
    return undefined;
  }

  private admitOwner(ws: Workspace, member: Member): void {
    try {
      this.crm.identity.admit(ws, member);
    } catch {
      throw ownerRefusal(member.deactivated ? RefusalReason.Deactivated : RefusalReason.Guest);
    }
  }

  private workspace(ids: SlackIds): Promise<Workspace> {
    return this.crm.identity.ensureWorkspace({
      platform: 'slack',
      externalId: ids.teamId,
      name: ids.teamName ?? ids.teamId,
      defaultCurrency: this.defaults.currency,
      timezone: this.defaults.timeZone,
    });
  }

  private remember(key: string, entry: Omit<CacheEntry, 'at'>): void {
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(key, { ...entry, at: Date.now() });
  }

  /** users.info, or undefined when Slack cannot say just now (logged). */
  private async profile(client: WebClient, userId: string): Promise<SlackProfile | undefined> {
    try {
      const res = await client.users.info({ user: userId });
      return res.user ? (res.user as SlackProfile) : undefined;
    } catch (err) {
      this.log.warn({ err, userId }, 'users.info failed');
      return undefined;
    }
  }
}

/** The member fields users.info gives. */
function memberFields(u: SlackProfile, fallbackTimeZone: string, fallbackName?: string) {
  const name = u.name ?? fallbackName ?? u.id;
  return {
    handle: name,
    displayName: u.profile?.display_name || u.real_name || name,
    email: u.profile?.email || undefined,
    timezone: u.tz ?? fallbackTimeZone,
    access: u.is_restricted || u.is_ultra_restricted ? ('guest' as const) : ('member' as const),
    platformAdmin: Boolean(u.is_admin || u.is_owner || u.is_primary_owner),
    profileChecked: true,
  };
}

/** An owner who cannot own deals: said on the `owner` field, so a modal shows it there. */
const OWNER_REFUSALS: Record<RefusalReason, string> = {
  guest: 'That person has a guest account: deals are owned by the workspace’s own members.',
  outsider: 'That person is from another organisation: deals are owned by the workspace’s own members.',
  deactivated: 'That person’s account is deactivated: pick an active member.',
  unverified: 'I couldn’t check that person with Slack just now. Please try again in a minute.',
};

function ownerRefusal(reason: RefusalReason): DomainError {
  return new DomainError(DomainErrorCode.NotAMember, OWNER_REFUSALS[reason], { reason, field: 'owner' });
}
