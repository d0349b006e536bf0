/**
 * The Notifier port for Slack: posts digests and nudges with chat.postMessage, rendered by
 * blocks/digest.ts. One attempt per call; retrying, pacing and the exactly-once ledger belong to
 * the delivery runner (src/domain/digests), so the WebClient's own retries are off and a 429 is
 * handed back with its Retry-After instead of being waited out inside the client.
 *
 * Every message carries `metadata: { event_type: 'crm_delivery', event_payload: { key } }`.
 * `findSent` looks for that key in the conversation's recent history, which tells a retry after
 * an unknown outcome (a crash mid-send, a 5xx) whether the first attempt was posted. It needs a
 * history scope (`channels:history`, `groups:history` for private channels); without one, or for
 * a DM addressed by user id, it answers "cannot tell" and the runner posts again.
 *
 * A digest goes only to a channel that is not shared with another organisation (Slack Connect),
 * unless the workspace allows it (`/deal settings shared-channels on`): the channel is checked with
 * `conversations.info` first, and a shared one fails the delivery for good with `shared_channel`
 * (`shared_channel_unknown`, retried, when Slack cannot say). Nudges are DMs and need no check.
 *
 * Tokens: the bot token (single workspace or Socket Mode), or per workspace the bot token of
 * its OAuth installation (stored sealed; see installation-store.ts).
 */
import { webApi } from '@slack/bolt';
import type { Crm } from '../../domain/index.js';
import { DeliveryError, type Destination, type Notification, type Notifier, type SentMessage } from '../../domain/ports.js';
import type { Logger } from '../../log.js';
import { digestMessage, nudgeMessage } from './blocks/digest.js';
import { DELIVERY_METADATA_EVENT } from './ids.js';
import { installKeyOf } from './installation-store.js';
import { SlackChannels } from './channels.js';
import { silentLogger } from '../../log.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

export interface SlackNotifierOptions {
  crm: Crm;
  /** Single workspace or Socket Mode: this token for every workspace. */
  botToken?: string;
  /** Another Web API address (a local stub in tests and benchmarks). */
  slackApiUrl?: string;
  /** One request's timeout. Default 30 s. */
  timeoutMs?: number;
  log?: Logger;
}

/** Slack errors that mean "try again" (and that Slack may have done it anyway). */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

export class SlackNotifier implements Notifier {
  private readonly clients = new Map<string, WebClient>();
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly channels: SlackChannels;

  constructor(private readonly opts: SlackNotifierOptions) {
    this.channels = new SlackChannels(opts.crm, opts.log ?? silentLogger);
  }

  async send(dest: Destination, notification: Notification): Promise<SentMessage> {
    if (dest.platform !== 'slack') throw new DeliveryError('wrong_platform', { retryable: false });
    const client = await this.clientFor(dest.workspaceId);
    if (notification.type === 'digest') await this.mayPostTo(client, dest);
    const message = notification.type === 'digest' ? digestMessage(notification.digest) : nudgeMessage(notification.nudge);
    try {
      const res = await client.chat.postMessage({
        channel: dest.conversationId,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: DELIVERY_METADATA_EVENT, event_payload: { key: notification.key } },
      });
      if (!res.ts) throw new DeliveryError('no_ts', { retryable: true, maybeDelivered: true, message: 'Slack accepted the message without a ts' });
      return { messageId: res.ts, conversationId: res.channel };
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async findSent(dest: Destination, key: string, since: Date): Promise<SentMessage | null | undefined> {
    if (dest.platform !== 'slack') return undefined;
    try {
      const client = await this.clientFor(dest.workspaceId);
      const res = await client.conversations.history({
        channel: dest.conversationId,
        oldest: (since.getTime() / 1000).toFixed(6),
        include_all_metadata: true,
        limit: 200,
      });
      const hit = res.messages?.find((m) => {
        const meta = m.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
        return meta?.event_type === DELIVERY_METADATA_EVENT && meta.event_payload?.key === key;
      });
      return hit?.ts ? { messageId: hit.ts, conversationId: dest.conversationId } : null;
    } catch (err) {
      this.opts.log?.debug({ err }, 'conversations.history unavailable for a delivery check');
      return undefined;
    }
  }

  /** A digest is for everyone in the channel: not in one shared with another organisation, unless allowed. */
  private async mayPostTo(client: WebClient, dest: Destination): Promise<void> {
    const verdict = await this.channels.verdict(client, dest.workspaceId, dest.conversationId);
    if (verdict === 'shared') {
      throw new DeliveryError('shared_channel', {
        retryable: false,
        message: 'the channel is shared with another organisation (`/deal settings shared-channels on` allows digests there)',
      });
    }
    if (verdict === 'unknown') throw new DeliveryError('shared_channel_unknown', { retryable: true, message: 'conversations.info failed' });
  }

  private async clientFor(workspaceId: string): Promise<WebClient> {
    const token = await this.tokenFor(workspaceId);
    let client = this.clients.get(token);
    if (!client) {
      client = new webApi.WebClient(token, {
        slackApiUrl: this.opts.slackApiUrl,
        // The runner retries (honouring Retry-After) and records every attempt in the ledger.
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: this.opts.timeoutMs ?? 30_000,
        logLevel: webApi.LogLevel.ERROR,
      });
      this.clients.set(token, client);
    }
    return client;
  }

  private tokenFor(workspaceId: string): Promise<string> {
    if (this.opts.botToken) return Promise.resolve(this.opts.botToken);
    let token = this.tokens.get(workspaceId);
    if (!token) {
      token = this.installedToken(workspaceId);
      this.tokens.set(workspaceId, token);
      token.catch(() => this.tokens.delete(workspaceId));
    }
    return token;
  }

  private async installedToken(workspaceId: string): Promise<string> {
    const installations = this.opts.crm.installations;
    const ws = await this.opts.crm.identity.getWorkspace(workspaceId);
    const json = installations ? await installations.find(installKeyOf({ teamId: ws.externalId })) : undefined;
    const token = json ? (JSON.parse(json) as { bot?: { token?: string } }).bot?.token : undefined;
    if (!token) throw new DeliveryError('not_installed', { retryable: false, message: `no Slack installation for team ${ws.externalId}` });
    return token;
  }
}

/** A Web API failure in the runner's terms. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; original?: { cause?: { code?: string }; code?: string } };
  switch (e?.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new DeliveryError('rate_limited', { retryable: true, retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000), cause: err });
    case webApi.ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      const retryable = status >= 500 || status === 408;
      return new DeliveryError(`http_${status}`, { retryable, maybeDelivered: retryable, cause: err });
    }
    case webApi.ErrorCode.RequestError: {
      // Refused or unresolvable: the request never left. Anything else (a timeout, a reset) may have.
      const code = e.original?.cause?.code ?? e.original?.code;
      const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
      return new DeliveryError('request_error', { retryable: true, maybeDelivered: !neverSent, cause: err });
    }
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'platform_error';
      if (code === 'ratelimited') return new DeliveryError('rate_limited', { retryable: true, retryAfterMs: 1000, cause: err });
      const transient = TRANSIENT.has(code);
      return new DeliveryError(code, { retryable: transient, maybeDelivered: transient, cause: err });
    }
    default:
      return new DeliveryError('unexpected', { retryable: true, maybeDelivered: true, message: err instanceof Error ? err.message : String(err), cause: err });
  }
}
