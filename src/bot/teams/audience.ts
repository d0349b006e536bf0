/**
 * Who is acting, and who can read a conversation: the two questions Teams answers only through
 * its connector (the member info and the roster), each asked with a short timeout so a turn still
 * answers within Teams' 5 s for invokes.
 *
 * What Teams tells a bot (Bot Framework's schema, botframework-schema `TeamsChannelAccount`,
 * `ChannelInfo`; Teams' shared-channel events in microsoft/Agents#179):
 * - the member info (`GET /v3/conversations/{team or conversation}/members/{user}`) carries
 *   `userRole` (`user`, `guest`, `anonymous` for meeting guests) and the person's home `tenantId`;
 * - an activity carries the tenant of the conversation (`conversation.tenantId`,
 *   `channelData.tenant.id`); in shared channels, members of other organisations keep their own
 *   tenant in the member info, and `channelData.membershipSource.tenantId` when Teams sends it;
 * - a channel's `channelData.channel.type` is `standard`, `private` or `shared` (a shared channel
 *   can hold people from other organisations: always treated as having them);
 * - the roster (`GET /v3/conversations/{team or chat}/pagedmembers`, pages of at most 500) lists
 *   each member with `userRole` and `tenantId`: guests and other tenants show there.
 */
import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Logger } from '../../log.js';

export const AUDIENCE_LIMITS = {
  /** The member info call, once per person per day at most (Teams' invoke budget is 5 s). */
  memberInfoTimeoutMs: 2000,
  /** All roster pages together. */
  rosterTimeoutMs: 2000,
  /** Teams caps a roster page at 500. */
  rosterPageSize: 500,
  /** Larger teams than pages × size are not read through: they count as not checked. */
  rosterMaxPages: 4,
  /** How long a conversation's verdict is kept (a guest added to a team shows within this). */
  audienceCacheMs: 10 * 60_000,
  /** How long what the member info said about a person holds before it is asked again. */
  profileRefreshMs: 24 * 60 * 60_000,
  /** Entries kept per cache (oldest dropped first). */
  cacheEntries: 5000,
} as const;

/** Why CRM content does not go to a conversation: the person sees these words. */
export const AUDIENCE_REASONS = {
  shared: 'This is a shared channel, so people from other organisations can read it, and I don’t post CRM data there.',
  outsiders: 'This conversation includes guests or people from other organisations, and I don’t post CRM data where they can read it.',
  unknown: 'I couldn’t check with Teams who can read this conversation just now, so I haven’t posted CRM data there. Please try again in a minute.',
} as const;

/** What the platform says a person is, for the CRM. */
export type PersonKind = 'member' | 'guest' | 'outsider';

/** Who can read a conversation. */
export type Audience = { kind: 'own' } | { kind: 'outsiders'; reason: string } | { kind: 'unknown'; reason: string };

/** What the bot knows about a conversation without asking Teams. */
export interface ConversationFacts {
  conversationId: string;
  kind: 'personal' | 'channel' | 'groupChat';
  /** The workspace's (host) tenant. */
  tenantId: string;
  /** The team a channel belongs to: its roster is the channel's readers. */
  teamId?: string;
  /** `standard`, `private` or `shared` (channelData.channel.type). */
  channelType?: string;
}

export class Timeout extends Error {}

/** Resolves with `work`, or rejects with Timeout after `ms` (the work itself is left to finish). */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A guest, another tenant's person, or one of the workspace's own, from a member info or roster entry. */
export function personKind(account: Pick<TeamsChannelAccount, 'userRole' | 'tenantId'>, hostTenantId: string): PersonKind {
  const role = account.userRole?.toLowerCase();
  if (role === 'anonymous') return 'outsider';
  if (account.tenantId && account.tenantId !== hostTenantId) return 'outsider';
  if (role === 'guest') return 'guest';
  return 'member';
}

interface ActivityTenantHints {
  from?: { tenantId?: unknown } | null;
  channelData?: { membershipSource?: { tenantId?: unknown } | null } | null;
}

/** Another organisation's person, told by the activity itself (no call): a tenant id that is not the host's. */
export function outsiderByPayload(activity: ActivityTenantHints, hostTenantId: string): boolean {
  const tenants = [activity.from?.tenantId, activity.channelData?.membershipSource?.tenantId];
  return tenants.some((t) => typeof t === 'string' && t.length > 0 && t !== hostTenantId);
}

/** The member info for the person acting; undefined when Teams did not answer in time (logged). */
export async function memberInfo(context: TurnContext, log: Logger): Promise<TeamsChannelAccount | undefined> {
  const userId = context.activity.from?.id;
  if (!userId) return undefined;
  try {
    return await withTimeout(TeamsInfo.getMember(context, userId), AUDIENCE_LIMITS.memberInfoTimeoutMs, 'teams member info');
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err), userId }, 'teams member info unavailable');
    return undefined;
  }
}

/** A small time-limited map, oldest entries dropped past `cacheEntries`. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    if (this.entries.size > AUDIENCE_LIMITS.cacheEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Who can read a conversation, decided from the activity where it says enough (a personal chat,
 * a shared channel) and otherwise from the roster, read within a timeout and kept per conversation
 * for a few minutes. A roster that could not be read is `unknown` (not kept).
 */
export class AudienceChecker {
  private readonly cache = new TtlCache<Audience>(AUDIENCE_LIMITS.audienceCacheMs);

  constructor(private readonly log: Logger) {}

  /** `fresh`: read the roster even when a verdict is cached (a delivery, once a day). */
  async check(connector: ConnectorClient, facts: ConversationFacts, opts: { fresh?: boolean } = {}): Promise<Audience> {
    if (facts.kind === 'personal') return { kind: 'own' };
    if (facts.channelType === 'shared') return { kind: 'outsiders', reason: AUDIENCE_REASONS.shared };
    const known = opts.fresh ? undefined : this.cache.get(facts.conversationId);
    if (known) return known;
    const rosterId = facts.kind === 'channel' && facts.teamId ? facts.teamId : facts.conversationId;
    let audience: Audience;
    try {
      audience = await withTimeout(this.readRoster(connector, rosterId, facts.tenantId), AUDIENCE_LIMITS.rosterTimeoutMs, 'teams roster');
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), conversationId: facts.conversationId }, 'teams roster unavailable');
      return { kind: 'unknown', reason: AUDIENCE_REASONS.unknown };
    }
    if (audience.kind !== 'unknown') this.cache.set(facts.conversationId, audience);
    return audience;
  }

  /** Forgets a conversation's verdict (a member joined or left). */
  forget(conversationId: string): void {
    this.cache.delete(conversationId);
  }

  private async readRoster(connector: ConnectorClient, rosterId: string, tenantId: string): Promise<Audience> {
    let continuationToken: string | undefined;
    for (let page = 0; page < AUDIENCE_LIMITS.rosterMaxPages; page++) {
      // The SDK types the token as required; Teams takes the first page without one.
      const params = { pageSize: AUDIENCE_LIMITS.rosterPageSize, ...(continuationToken && { continuationToken }) } as { pageSize: number; continuationToken: string };
      const res = await connector.conversations.getConversationPagedMembers(rosterId, params);
      const members = (res.members ?? []) as TeamsChannelAccount[];
      if (members.some((m) => personKind(m, tenantId) !== 'member')) return { kind: 'outsiders', reason: AUDIENCE_REASONS.outsiders };
      continuationToken = res.continuationToken ?? undefined;
      if (!continuationToken) return { kind: 'own' };
    }
    this.log.warn({ rosterId }, 'teams roster larger than the pages read; counted as not checked');
    return { kind: 'unknown', reason: AUDIENCE_REASONS.unknown };
  }
}

/** The connector of the current turn (the same one replies go through). */
export function turnConnector(context: TurnContext): ConnectorClient {
  return context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
}
