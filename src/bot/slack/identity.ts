/**
 * Who is speaking: a Slack team becomes a workspace and a Slack user a member on first contact.
 * Resolved after `ack()`, so a first contact's users.info call never delays the acknowledgement.
 */
import type { WebClient } from '@slack/web-api';
import type { Actor, Crm } from '../../domain/index.js';
import type { Logger } from '../../log.js';

export interface SlackIds {
  teamId: string;
  userId: string;
  /** A name to start with (the slash command's user_name); users.info refines it. */
  userName?: string;
  teamName?: string;
}

interface CacheEntry {
  actor: Actor;
  at: number;
}

/** Resolves actors, caching them briefly: most requests then cost no query at all. */
export class SlackIdentity {
  private cache = new Map<string, CacheEntry>();
  private static readonly TTL_MS = 5 * 60_000;
  private static readonly MAX = 10_000;

  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
    private readonly defaults: { currency: string; timeZone: string },
  ) {}

  async actor(ids: SlackIds, client: WebClient): Promise<Actor> {
    const key = `${ids.teamId}:${ids.userId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < SlackIdentity.TTL_MS) return hit.actor;
    const ws = await this.crm.identity.ensureWorkspace({
      platform: 'slack',
      externalId: ids.teamId,
      name: ids.teamName ?? ids.teamId,
      defaultCurrency: this.defaults.currency,
      timezone: this.defaults.timeZone,
    });
    let member = await this.crm.identity.findMember(ws.id, ids.userId);
    if (!member || Date.now() - member.updatedAt.getTime() > 24 * 3600_000) {
      const profile = await this.profile(client, ids.userId);
      member = await this.crm.identity.ensureMember({
        workspaceId: ws.id,
        externalId: ids.userId,
        handle: profile.handle ?? ids.userName ?? ids.userId,
        displayName: profile.displayName ?? ids.userName ?? ids.userId,
        email: profile.email,
        timezone: profile.timeZone ?? member?.timezone ?? ws.timezone,
      });
    }
    const actor = await this.crm.identity.actorFor(member);
    if (this.cache.size >= SlackIdentity.MAX) this.cache.clear();
    this.cache.set(key, { actor, at: Date.now() });
    return actor;
  }

  /** A person another person named (an owner picked in a modal): a member from then on. */
  async memberFor(teamActor: Actor, userId: string, client: WebClient): Promise<string> {
    const existing = await this.crm.identity.findMember(teamActor.workspaceId, userId);
    if (existing) return existing.id;
    const profile = await this.profile(client, userId);
    const member = await this.crm.identity.ensureMember({
      workspaceId: teamActor.workspaceId,
      externalId: userId,
      handle: profile.handle ?? userId,
      displayName: profile.displayName ?? userId,
      email: profile.email,
      timezone: profile.timeZone ?? teamActor.timeZone,
    });
    return member.id;
  }

  forget(teamId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${teamId}:`)) this.cache.delete(key);
  }

  private async profile(client: WebClient, userId: string) {
    try {
      const res = await client.users.info({ user: userId });
      const u = res.user;
      return {
        handle: u?.name,
        displayName: u?.profile?.display_name || u?.real_name || u?.name,
        email: u?.profile?.email,
        timeZone: u?.tz,
      };
    } catch (err) {
      // Still usable without the profile: the name from the payload, the workspace time zone.
      this.log.warn({ err, userId }, 'users.info failed; using what the request carried');
      return {} as { handle?: string; displayName?: string; email?: string; timeZone?: string };
    }
  }
}
