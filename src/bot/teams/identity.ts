/**
 * Who is speaking: a Teams tenant becomes a workspace and a Teams user (AAD object id) of that
 * tenant a member on first contact. Guests (allowed only when the workspace says so) and people of
 * other tenants are refused before anything is written; Teams' member info says which is which
 * (see audience.ts), asked once a day per person within a short timeout.
 */
import type { Activity, TurnContext } from 'botbuilder';
import type { Actor, Crm } from '../../domain/index.js';
import { DomainError, DomainErrorCode, RefusalReason } from '../../domain/errors.js';
import { notAMember } from '../../domain/identity/identity.service.js';
import { isValidTimeZone } from '../../domain/shared/dates.js';
import type { Logger } from '../../log.js';
import { AUDIENCE_LIMITS, memberInfo, outsiderByPayload, personKind, TtlCache, type PersonKind } from './audience.js';

/** An activity from a tenant this bot does not serve (a single-tenant bot), or without one. */
export class ForeignTenantError extends Error {}

export interface TeamsPerson {
  tenantId: string;
  /** The AAD object id (stable across Teams, Outlook and Graph); the channel id when absent. */
  userId: string;
  name: string;
  /** Sent on message activities only. */
  timeZone?: string;
}

interface TeamsChannelData {
  tenant?: { id?: string };
}

export function personOf(activity: Partial<Activity>): TeamsPerson | undefined {
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  const tenantId = activity.conversation?.tenantId ?? channelData.tenant?.id;
  const userId = activity.from?.aadObjectId ?? activity.from?.id;
  if (!tenantId || !userId) return undefined;
  const tz = activity.localTimezone;
  return {
    tenantId,
    userId,
    name: activity.from?.name?.trim() || 'Teams user',
    ...(tz && isValidTimeZone(tz) && { timeZone: tz }),
  };
}

/**
 * A mention handle from a display name, the same way every time: "María López" → "maria.lopez".
 * Teams mentions (`<at>María López</at>`) become `@maria.lopez` in commands, which finds this member.
 */
export function handleFor(name: string): string {
  const handle = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 80);
  return handle || 'teams.user';
}

/** What a person whose identity Teams could not confirm in time sees (nothing was done). */
export const UNVERIFIED_TEAMS =
  'I couldn’t check with Teams who you are just now, so I haven’t done anything. Please try again in a minute.';

export interface ActorOptions {
  /** The person installs the app (installationUpdate add): they become a workspace admin of the CRM. */
  installer?: boolean;
}

export class TeamsIdentity {
  /** What the member info said about people the CRM did not enrol (guests, other tenants), per day. */
  private readonly refused = new TtlCache<PersonKind>(AUDIENCE_LIMITS.profileRefreshMs);

  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
    private readonly defaults: { currency: string; timeZone: string; tenantId?: string },
  ) {}

  /**
   * The acting member for a turn, or the refusal: ForeignTenantError for tenants this bot does not
   * serve; DomainError NotAMember for another organisation's people (told by the activity or the
   * member info), for guests while the workspace does not allow them, and for a first contact
   * Teams could not confirm in time. Nobody refused is written anywhere.
   *
   * Who someone is comes from Teams' member info, asked on first contact and then once a day
   * (kept on the member as access and profileCheckedAt), within a short timeout: a known member
   * keeps what was last said when Teams is slow.
   */
  async actor(context: TurnContext, opts: ActorOptions = {}): Promise<Actor> {
    const { activity } = context;
    const person = personOf(activity);
    if (!person) throw new ForeignTenantError('an activity without a tenant or a user');
    if (this.defaults.tenantId && person.tenantId !== this.defaults.tenantId) {
      this.log.warn({ tenantId: person.tenantId }, 'teams activity from another tenant ignored (single-tenant bot)');
      throw new ForeignTenantError(`tenant ${person.tenantId} is not served by this bot`);
    }
    if (outsiderByPayload(activity as Parameters<typeof outsiderByPayload>[0], person.tenantId)) {
      this.log.info({ tenantId: person.tenantId }, 'teams user of another organisation refused');
      throw notAMember(RefusalReason.Outsider);
    }
    const ws = await this.crm.identity.ensureWorkspace({
      platform: 'teams',
      externalId: person.tenantId,
      // Activities do not carry the organisation's name (a team's name is one team's, not the tenant's).
      name: `Teams ${person.tenantId.slice(0, 8)}`,
      defaultCurrency: this.defaults.currency,
      timezone: this.defaults.timeZone,
    });
    const existing = await this.crm.identity.findMember(ws.id, person.userId);
    const key = `${person.tenantId}:${person.userId}`;
    const now = this.crm.clock.now().getTime();
    const fresh = existing?.profileCheckedAt && now - existing.profileCheckedAt.getTime() < AUDIENCE_LIMITS.profileRefreshMs;
    let kind: PersonKind | undefined = fresh ? (existing.access as PersonKind) : this.refused.get(key);
    let checked = false;
    if (!kind) {
      const info = await memberInfo(context, this.log);
      if (info) {
        kind = personKind(info, person.tenantId);
        checked = true;
      }
    }
    if (kind === 'outsider') {
      this.refused.set(key, kind);
      this.log.info({ tenantId: person.tenantId }, 'teams user of another organisation refused');
      throw notAMember(RefusalReason.Outsider);
    }
    if (!kind) {
      // Teams did not say in time: a known member keeps what was last said; a newcomer waits.
      if (!existing) throw new DomainError(DomainErrorCode.NotAMember, UNVERIFIED_TEAMS, { reason: RefusalReason.Unverified });
      kind = existing.access === 'guest' ? 'guest' : 'member';
    }
    if (kind === 'guest' && !ws.allowGuests && !existing) {
      this.refused.set(key, kind);
      throw notAMember(RefusalReason.Guest);
    }
    // Only messages carry the person's time zone. Without it, a new member starts on the
    // workspace's, and an existing member keeps theirs.
    const member = await this.crm.identity.ensureMember({
      workspaceId: ws.id,
      externalId: person.userId,
      handle: handleFor(person.name),
      displayName: person.name,
      timezone: person.timeZone ?? (existing ? undefined : ws.timezone),
      access: kind,
      ...(checked && { profileChecked: true }),
      ...(opts.installer && { platformAdmin: true }),
    });
    this.crm.identity.admit(ws, member);
    return this.crm.identity.actorFor(member);
  }
}
