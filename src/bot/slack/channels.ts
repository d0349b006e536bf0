/**
 * Where the bot may post CRM content that everyone in a channel can read.
 *
 * A channel shared with another organisation (Slack Connect: `is_ext_shared`, or an invitation
 * still pending: `is_pending_ext_shared`) gets no deal cards and no digests unless the workspace
 * allows it (`/deal settings shared-channels on`). Answers only the asker sees (ephemeral) are not
 * affected. Asking Slack (`conversations.info`) happens after the request is acknowledged; the
 * answer is kept for a few minutes, and forgotten on `channel_shared` / `channel_unshared` events.
 */
import type { WebClient } from '@slack/web-api';
import { DomainError, DomainErrorCode } from '../../domain/errors.js';
import type { Crm } from '../../domain/index.js';
import type { Logger } from '../../log.js';

/** How long what conversations.info said about a channel holds. */
const SHARED_TTL_MS = 10 * 60_000;
const CACHE_MAX = 5_000;

export const SHARED_CHANNEL_WORDS = {
  shared:
    'This channel is shared with another organisation, so I won’t post CRM content here that everyone can read.',
  unknown:
    'I couldn’t check with Slack whether this channel is shared with another organisation, so I haven’t posted anything here. Please try again in a minute.',
} as const;

export class SlackChannels {
  private cache = new Map<string, { shared: boolean; at: number }>();

  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
  ) {}

  /**
   * Whether CRM content may be posted for everyone in the channel: `ok` (not shared, or the
   * workspace allows it), `shared`, or `unknown` (Slack cannot say just now). `hint`: the payload
   * already says the channel is externally shared.
   */
  async verdict(client: WebClient, workspaceId: string, channelId: string, hint?: boolean): Promise<'ok' | 'shared' | 'unknown'> {
    const ws = await this.crm.identity.getWorkspace(workspaceId);
    if (ws.allowSharedChannels) return 'ok';
    const shared = hint === true ? true : await this.isExternallyShared(client, ws.externalId, channelId);
    return shared === false ? 'ok' : shared ? 'shared' : 'unknown';
  }

  /** Throws a DomainError (SharedChannel) unless `verdict` says ok: for commands and buttons. */
  async guard(client: WebClient, workspaceId: string, channelId: string, hint?: boolean): Promise<void> {
    const verdict = await this.verdict(client, workspaceId, channelId, hint);
    if (verdict === 'ok') return;
    throw new DomainError(DomainErrorCode.SharedChannel, SHARED_CHANNEL_WORDS[verdict], { setting: 'shared-channels' });
  }

  /** True when shared with another organisation; undefined when Slack cannot say just now. */
  async isExternallyShared(client: WebClient, teamId: string, channelId: string): Promise<boolean | undefined> {
    const key = `${teamId}:${channelId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < SHARED_TTL_MS) return hit.shared;
    try {
      const res = await client.conversations.info({ channel: channelId });
      const c = res.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
      const shared = Boolean(c?.is_ext_shared || c?.is_pending_ext_shared);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(key, { shared, at: Date.now() });
      return shared;
    } catch (err) {
      this.log.warn({ err, channelId }, 'conversations.info failed; treating the channel as possibly shared');
      return undefined;
    }
  }

  /** A channel was shared or unshared: ask again next time. */
  forget(teamId: string, channelId: string): void {
    this.cache.delete(`${teamId}:${channelId}`);
  }
}

/** Slack says so in command and interaction payloads typed or clicked in a Slack Connect channel. */
export function sharedHint(body: unknown): true | undefined {
  const v = (body as { is_ext_shared_channel?: unknown } | undefined)?.is_ext_shared_channel;
  return v === true || v === 'true' ? true : undefined;
}
