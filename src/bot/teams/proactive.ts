/**
 * Proactive messages: posting to a conversation nobody just wrote in (channel digests, DM nudges,
 * private answers), through a conversation reference stored in the database and the adapter's
 * `continueConversationAsync`.
 *
 * Retries: Teams throttles bots (HTTP 429 with Retry-After) and its connector sometimes answers
 * 5xx. `ProactiveSender.send` retries a 429 after the time Teams asked for and a 5xx or dropped
 * connection after an exponential backoff, a bounded number of times; a longer Retry-After than
 * `maxWaitMs`, or running out of attempts, ends in a retryable DeliveryError carrying
 * `retryAfterMs`. The Notifier (`TeamsNotifier`) asks for one attempt per call, as the port
 * requires: the delivery runner (src/domain/digests) owns retries, pacing and the exactly-once
 * ledger for digests and nudges. The SDK's connector has a hidden retry policy of its own, with
 * unbounded Retry-After waits; proactive connectors are used without it, so one place decides.
 */
import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { Crm } from '../../domain/index.js';
import { DeliveryError, type Destination, type Notification, type Notifier, type SentMessage } from '../../domain/ports.js';
import type { Logger } from '../../log.js';
import { attachment } from './cards/parts.js';
import { digestCard, nudgeCard } from './cards/digest.js';
import { plainCard, type TeamsMessage } from './cards/reply.js';
import { botReference, parseReference, type StoredReference } from './conversation.js';
import { AudienceChecker, type Audience, type ConversationFacts } from './audience.js';

export interface SenderOptions {
  /** Tries per message, the first included. */
  maxAttempts?: number;
  /** The longest wait between tries; a longer Retry-After ends the send (retryable). */
  maxWaitMs?: number;
  /** The first backoff after a 5xx; doubles each time. */
  baseDelayMs?: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS = { maxAttempts: 4, maxWaitMs: 60_000, baseDelayMs: 1000 };

const AUDIENCE_UNREACHABLE = 'Teams could not be asked who reads the conversation.';

/** The delivery error of a digest not posted because outsiders could read the channel (not retried today). */
export const SHARED_CHANNEL_SKIPPED = 'shared_channel';

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ProactiveSender {
  private readonly opts: Required<Omit<SenderOptions, 'sleep'>>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly log: Logger,
    opts: SenderOptions = {},
  ) {
    this.opts = {
      maxAttempts: opts.maxAttempts ?? DEFAULTS.maxAttempts,
      maxWaitMs: opts.maxWaitMs ?? DEFAULTS.maxWaitMs,
      baseDelayMs: opts.baseDelayMs ?? DEFAULTS.baseDelayMs,
    };
    this.sleep = opts.sleep ?? sleepFor;
  }

  /**
   * Sends one activity to a stored conversation; resolves with the posted activity's id, throws
   * DeliveryError when it could not. `maxAttempts: 1` makes exactly one attempt; inside a turn,
   * keep `maxWaitMs` short (Teams redelivers a message the bot has not answered within 15 s).
   */
  async send(
    reference: string | StoredReference,
    activity: Partial<Activity>,
    opts: { maxAttempts?: number; maxWaitMs?: number } = {},
  ): Promise<{ id: string; attempts: number }> {
    const ref = botReference(typeof reference === 'string' ? parseReference(reference) : reference);
    return this.retrying(ref, opts, () => this.once(ref, activity));
  }

  /**
   * Replaces a message the bot posted earlier in a stored conversation (a progress line, a card
   * whose buttons go), with the same retries as `send`; throws DeliveryError when it could not.
   */
  async update(
    reference: string | StoredReference,
    activityId: string,
    activity: Partial<Activity>,
    opts: { maxAttempts?: number; maxWaitMs?: number } = {},
  ): Promise<{ id: string; attempts: number }> {
    const ref = botReference(typeof reference === 'string' ? parseReference(reference) : reference);
    return this.retrying(ref, opts, () => this.once(ref, activity, activityId));
  }

  private async retrying(
    ref: Partial<ConversationReference>,
    opts: { maxAttempts?: number; maxWaitMs?: number },
    attemptOnce: () => Promise<string>,
  ): Promise<{ id: string; attempts: number }> {
    const maxAttempts = opts.maxAttempts ?? this.opts.maxAttempts;
    const maxWaitMs = opts.maxWaitMs ?? this.opts.maxWaitMs;
    for (let attempt = 1; ; attempt++) {
      let error: DeliveryError;
      try {
        return { id: await attemptOnce(), attempts: attempt };
      } catch (err) {
        error = deliveryError(err);
      }
      const where = { conversationId: ref.conversation?.id, code: error.code, attempt };
      if (!error.retryable) {
        this.log.warn(where, 'teams refused a proactive message');
        throw error;
      }
      const wait = error.retryAfterMs ?? this.backoff(attempt);
      if (attempt >= maxAttempts || wait > maxWaitMs) {
        if (maxAttempts > 1) this.log.warn({ ...where, retryAfterMs: wait }, 'teams delivery postponed');
        throw error.retryAfterMs === wait ? error : withRetryAfter(error, wait);
      }
      this.log.info({ ...where, waitMs: wait }, error.code === 'rate_limited' ? 'teams throttled a message; waiting as asked' : 'teams delivery failed; retrying');
      await this.sleep(wait);
    }
  }

  /**
   * Who can read a stored conversation (guests, other organisations), asked of Teams through a
   * proactive turn's connector; `unknown` when Teams could not be reached.
   */
  async audience(reference: StoredReference, facts: ConversationFacts, checker: AudienceChecker): Promise<Audience> {
    let audience: Audience | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, botReference(reference), async (context) => {
        const connector = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        withoutSdkRetries(connector, this.log);
        // A delivery reads the roster afresh: someone may have joined since the last turn.
        audience = await checker.check(connector, facts, { fresh: true });
      });
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), conversationId: facts.conversationId }, 'could not check who reads a teams conversation');
    }
    return audience ?? { kind: 'unknown', reason: AUDIENCE_UNREACHABLE };
  }

  /** One try: a new message in the conversation, or (`activityId`) that message replaced. */
  private async once(reference: Partial<ConversationReference>, activity: Partial<Activity>, activityId?: string): Promise<string> {
    let id = '';
    let failed: { err: unknown } | undefined;
    // The adapter hands errors thrown in the callback to onTurnError (which would swallow them):
    // catch them here and rethrow after the turn.
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      try {
        const connector = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        withoutSdkRetries(connector, this.log);
        // A new message in the conversation (context.sendActivity would make it a reply to the
        // continuation event's made-up id).
        const outgoing = TurnContext.applyConversationReference({ ...activity }, { ...reference, activityId: undefined });
        if (activityId) {
          await connector.conversations.updateActivity(outgoing.conversation!.id, activityId, { ...outgoing, id: activityId } as Activity);
          id = activityId;
        } else {
          const res = await connector.conversations.sendToConversation(outgoing.conversation!.id, outgoing as Activity);
          id = res?.id ?? '';
        }
      } catch (err) {
        failed = { err };
      }
    });
    if (failed) throw failed.err;
    return id;
  }

  private backoff(attempt: number): number {
    const base = this.opts.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}

/**
 * The Notifier port for Teams: digests to channels and nudges to personal chats, as cards, through
 * the conversation references the bot stored. One attempt per call (the runner retries); a
 * conversation the bot was removed from is forgotten.
 */
export class TeamsNotifier implements Notifier {
  constructor(
    private readonly crm: Crm,
    private readonly sender: ProactiveSender,
    private readonly log: Logger,
    private readonly checker: AudienceChecker = new AudienceChecker(log),
  ) {}

  async send(destination: Destination, notification: Notification): Promise<SentMessage> {
    if (destination.platform !== 'teams') {
      throw new DeliveryError('wrong_platform', { retryable: false, message: `the Teams notifier cannot deliver to ${destination.platform}` });
    }
    const { workspaceId, conversationId } = destination;
    const conversation =
      (await this.crm.teamsConversations.find(workspaceId, conversationId)) ??
      // A direct message may name the member instead of their chat.
      (destination.kind === 'direct' ? await this.crm.teamsConversations.findPersonal(workspaceId, conversationId) : null);
    if (!conversation) {
      throw new DeliveryError('conversation_not_found', { retryable: false, message: 'no stored Teams conversation there (the app is not installed in it)' });
    }
    if (conversation.kind === 'channel' || conversation.kind === 'groupChat') {
      await this.mayPost(workspaceId, conversation.conversationId, conversation.kind, parseReference(conversation.reference));
    }
    const msg = render(notification);
    try {
      const { id } = await this.sender.send(conversation.reference, { type: 'message', summary: msg.summary, attachments: [attachment(msg.card)] }, { maxAttempts: 1 });
      return { messageId: id, conversationId: conversation.conversationId };
    } catch (err) {
      if (err instanceof DeliveryError && err.code === 'conversation_not_found') {
        await this.crm.teamsConversations.forget(workspaceId, conversation.conversationId);
        this.log.info({ conversationId: conversation.conversationId }, 'the bot is no longer in a teams conversation; forgot its reference');
      }
      throw err;
    }
  }

  /**
   * A channel or group chat gets CRM content only when nobody from outside reads it, or the
   * workspace allows shared channels: otherwise the delivery is skipped for today (a non-retryable
   * error the runner records), with the reason logged.
   */
  private async mayPost(workspaceId: string, conversationId: string, kind: 'channel' | 'groupChat', reference: StoredReference): Promise<void> {
    const ws = await this.crm.identity.getWorkspace(workspaceId);
    if (ws.allowSharedChannels) return;
    const facts: ConversationFacts = { conversationId, kind, tenantId: ws.externalId, ...reference.audience };
    const audience = await this.sender.audience(reference, facts, this.checker);
    if (audience.kind === 'own') return;
    this.log.info({ conversationId, reason: audience.kind }, `teams delivery skipped: ${audience.reason}`);
    throw new DeliveryError(SHARED_CHANNEL_SKIPPED, { retryable: false, message: audience.reason });
  }
}

function render(notification: Notification): TeamsMessage {
  switch (notification.type) {
    case 'digest':
      return digestCard(notification.digest);
    case 'nudge':
      return nudgeCard(notification.nudge);
    default: {
      // A notification type added after this renderer: its plain text, if it has any.
      const n = notification as { text?: unknown; key?: unknown };
      return plainCard(typeof n.text === 'string' ? n.text : 'You have a new notification from the CRM.');
    }
  }
}

/** What a failed send means, in the port's terms: retry now, later, or never; maybe posted or not. */
export function deliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { headers?: { get?(name: string): string | undefined | null }; bodyAsText?: string | null };
  };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined) {
    // No answer from Teams. Refused or unresolvable: never sent. Reset or timed out: maybe sent.
    const code = typeof e?.code === 'string' ? e.code : '';
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(code)) return new DeliveryError('network', { retryable: true, message, cause: err });
    if (/ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|REQUEST_SEND_ERROR/.test(code)) {
      return new DeliveryError('network', { retryable: true, maybeDelivered: true, message, cause: err });
    }
    return new DeliveryError('send_failed', { retryable: true, maybeDelivered: true, message, cause: err });
  }
  const headers = e.response?.headers;
  if (status === 429) {
    const wait = retryAfter(headers);
    return new DeliveryError('rate_limited', { retryable: true, ...(wait !== undefined && { retryAfterMs: wait }), message, cause: err });
  }
  if (status === 408 || (status >= 500 && status !== 501 && status !== 505)) {
    const wait = status === 503 ? retryAfter(headers) : undefined;
    return new DeliveryError(`http_${status}`, { retryable: true, maybeDelivered: true, ...(wait !== undefined && { retryAfterMs: wait }), message, cause: err });
  }
  const body = e.response?.bodyAsText ?? '';
  if (status === 404 || (status === 403 && /BotNotInConversationRoster|ConversationNotFound/i.test(body))) {
    return new DeliveryError('conversation_not_found', { retryable: false, message, cause: err });
  }
  if (status === 403 && /ConversationBlockedByUser/i.test(body)) return new DeliveryError('blocked_by_user', { retryable: false, message, cause: err });
  return new DeliveryError(`http_${status}`, { retryable: false, message, cause: err });
}

function withRetryAfter(error: DeliveryError, retryAfterMs: number): DeliveryError {
  return new DeliveryError(error.code, { retryable: true, retryAfterMs, maybeDelivered: error.maybeDelivered, message: error.message, cause: error.cause });
}

/** Retry-After as milliseconds: seconds or an HTTP date (also the `retry-after-ms` variants). */
export function retryAfter(headers: { get?(name: string): string | undefined | null } | undefined): number | undefined {
  const get = (name: string) => headers?.get?.(name) ?? undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = get(name);
    const ms = Number(raw);
    if (raw !== undefined && raw.trim() !== '' && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  }
  const value = get('retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Removes the connector's built-in retry policy from this turn's connector client (a fresh one per
 * proactive turn), so the sender is the only one deciding when to retry. Should the SDK's internals
 * change, the SDK's own retries apply instead (logged once).
 */
function withoutSdkRetries(connector: ConnectorClient, log: Logger): void {
  const inner = connector as unknown as { client?: { pipeline?: { removePolicy?(options: { name: string }): unknown } } };
  const pipeline = inner.client?.pipeline;
  if (typeof pipeline?.removePolicy === 'function') {
    pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  } else if (!warnedNoPipeline) {
    warnedNoPipeline = true;
    log.warn('teams connector has no pipeline to adjust: the SDK retries proactive sends itself');
  }
}
let warnedNoPipeline = false;
