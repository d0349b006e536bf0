/**
 * Who is speaking: a Teams tenant becomes a workspace and a Teams user (AAD object id) a member on
 * first contact. Everything comes from the activity itself (no Graph or roster call), so resolving
 * an actor costs two indexed reads and answers stay fast.
 */
import type { Activity } from 'botbuilder';
import { isDomainError, type Actor, type Crm } from '../../domain/index.js';
import { isValidTimeZone } from '../../domain/shared/dates.js';
import type { Logger } from '../../log.js';

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

export class TeamsIdentity {
  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
    private readonly defaults: { currency: string; timeZone: string; tenantId?: string },
  ) {}

  /** The acting member for an activity; throws ForeignTenantError for tenants this bot does not serve. */
  async actor(activity: Partial<Activity>): Promise<Actor> {
    const person = personOf(activity);
    if (!person) throw new ForeignTenantError('an activity without a tenant or a user');
    if (this.defaults.tenantId && person.tenantId !== this.defaults.tenantId) {
      this.log.warn({ tenantId: person.tenantId }, 'teams activity from another tenant ignored (single-tenant bot)');
      throw new ForeignTenantError(`tenant ${person.tenantId} is not served by this bot`);
    }
    const ws = await this.crm.identity.ensureWorkspace({
      platform: 'teams',
      externalId: person.tenantId,
      // Activities do not carry the organisation's name (a team's name is one team's, not the tenant's).
      name: `Teams ${person.tenantId.slice(0, 8)}`,
      defaultCurrency: this.defaults.currency,
      timezone: this.defaults.timeZone,
    });
    // Only messages carry the person's time zone. Without it, a new member starts on the
    // workspace's, and an existing member keeps theirs.
    const known = person.timeZone
      ? undefined
      : await this.crm.identity.resolvePerson(ws.id, { userId: person.userId }).catch((err: unknown) => {
          if (isDomainError(err)) return undefined; // not a member yet
          throw err;
        });
    const member = await this.crm.identity.ensureMember({
      workspaceId: ws.id,
      externalId: person.userId,
      handle: handleFor(person.name),
      displayName: person.name,
      timezone: person.timeZone ?? (known ? undefined : ws.timezone),
    });
    return this.crm.identity.actorFor(member);
  }
}
