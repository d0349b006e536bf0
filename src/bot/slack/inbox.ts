/**
 * Acknowledged means durable, and the work behind acknowledgements is bounded.
 *
 * Slack is acknowledged at once and the work runs after. Between the two, a crash, a stop or an
 * overload used to lose or repeat work. Every command, button, shortcut and modal submission now:
 * 1. is refused at once with a "busy" answer when this process already holds `maxBacklog`
 *    requests, uses more than `maxHeapMb` of heap, or is stopping (nothing recorded, nothing done);
 * 2. is recorded in the inbox with its payload (one short insert) before the acknowledgement; a
 *    redelivery of the same command or submission (same trigger or view id) finds it there and
 *    does nothing;
 * 3. runs on a queue of at most `concurrency` at a time, and is marked done when it has finished
 *    (its write committed and the person answered), or failed with why.
 * After a crash, what is still pending is found by `recover` once its holder's lease has passed
 * (a clean stop lets go at once): requests younger than Slack's 30-minute response URLs are run
 * again through the same listeners (their writes are keyed by trigger, view or message ids, so a
 * second run does not write twice); older ones get a direct message saying what happened.
 */
import type { App, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Crm } from '../../domain/index.js';
import type { AbandonedItem, InboxKind } from '../../domain/inbox/inbox.service.js';
import { inBackground } from '../../background.js';
import type { Logger } from '../../log.js';

export interface InboxLimits {
  /** Requests worked on at once in this process. */
  concurrency: number;
  /** Requests held (waiting or running) in this process; past it new ones are refused as busy. */
  maxBacklog: number;
  /** Heap in use past which new requests are refused as busy. */
  maxHeapMb: number;
  /** How long a pending request is left to its holder before another process takes it over. */
  leaseMs: number;
  /** How often pending requests of dead processes are looked for. */
  recoverEveryMs: number;
}

export const DEFAULT_INBOX_LIMITS: InboxLimits = {
  concurrency: 8,
  maxBacklog: 500,
  maxHeapMb: 1024,
  leaseMs: 60_000,
  recoverEveryMs: 10_000,
};

/** Slack's response URLs work for 30 minutes: after that, a direct message says what happened. */
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
/** How many times a request is tried after its process died, before it is answered as failed. */
const MAX_ATTEMPTS = 3;
/** Pending requests read per query while recovering. */
const RECOVER_BATCH = 50;

export const INBOX_TEXT = {
  busy: 'I’m busy with a lot of requests right now, so I haven’t done anything with this one. Please try again in a minute.',
  stopping: 'I’m restarting right now, so I haven’t done anything with this one. Please try again in a minute.',
  expired: (what: string, at: string) =>
    `Sorry: your ${what} from ${at} (UTC) was interrupted by a restart and may not have been completed. Please check and try again if needed.`,
  failed: (what: string) => `Sorry: your ${what} could not be completed after a restart. Please try again.`,
} as const;

/** What a listener hands over: how to acknowledge, how to say "busy", and the work. */
export interface InboxRequest {
  kind: Exclude<InboxKind, 'event'>;
  /** Unique per request: a redelivery has the same key. */
  key: string;
  /** The payload as Slack sent it: what a replay after a crash runs again. */
  body: unknown;
  context: Context;
  ack: () => Promise<void>;
  /** Answers "busy" (or "restarting") instead of acknowledging: for a command, in the ack itself. */
  refuse: (text: string) => Promise<void>;
}

/** The context flag a replayed request carries (it was acknowledged long ago). */
export const REPLAY = 'crmInboxReplay';

export function isReplay(context: Context): boolean {
  return Boolean((context as Record<string, unknown>)[REPLAY]);
}

export class SlackInbox {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Keys this process holds (recorded, not finished). */
  private readonly held = new Set<string>();
  private stopping = false;
  /** OAuth: a workspace's bot token, for the DMs recovery sends (single workspace: the client has it). */
  botTokenFor?: (teamId: string) => Promise<string | undefined>;
  private recovering = false;
  private idle: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
    readonly limits: InboxLimits = DEFAULT_INBOX_LIMITS,
  ) {}

  /** Requests held by this process right now (waiting or running). */
  get backlog(): number {
    return this.held.size;
  }

  /**
   * Records, acknowledges and runs a request (see the file's comment). Resolves when its work has
   * finished; the work's own errors are logged and the request marked failed. With
   * `acknowledges`, the work acknowledges itself (a modal submission answers field errors in its
   * acknowledgement) and starts at once rather than waiting for a place on the queue.
   */
  async handle(req: InboxRequest, work: () => Promise<void>, opts: { acknowledges?: boolean } = {}): Promise<void> {
    if (isReplay(req.context)) {
      await this.run(req.key, work, { queued: !opts.acknowledges });
      return;
    }
    const refusal = this.refusal();
    if (refusal) {
      this.log.warn({ key: req.key, backlog: this.held.size, reason: refusal === INBOX_TEXT.busy ? 'busy' : 'stopping' }, 'slack request refused');
      await req.refuse(refusal);
      return;
    }
    this.held.add(req.key);
    let fresh: boolean;
    try {
      fresh = await this.crm.inbox.accept(req.key, req.kind, JSON.stringify(req.body));
    } catch (err) {
      this.release(req.key);
      this.log.error({ err, key: req.key }, 'could not record a Slack request; refusing it');
      await req.refuse(INBOX_TEXT.busy);
      return;
    }
    if (!fresh) {
      // Delivered again: the first delivery is being handled, or was.
      this.release(req.key);
      await req.ack();
      return;
    }
    if (!opts.acknowledges) await req.ack();
    await this.run(req.key, work, { held: true, queued: !opts.acknowledges });
  }

  /** Why a new request is refused right now, if it is. */
  refusal(): string | undefined {
    if (this.stopping) return INBOX_TEXT.stopping;
    if (this.held.size >= this.limits.maxBacklog) return INBOX_TEXT.busy;
    if (process.memoryUsage().heapUsed / 1e6 > this.limits.maxHeapMb) return INBOX_TEXT.busy;
    return undefined;
  }

  private async run(key: string, work: () => Promise<void>, opts: { held?: boolean; queued: boolean }): Promise<void> {
    if (!opts.held) this.held.add(key);
    if (opts.queued) await this.turn();
    try {
      await work();
      await this.crm.inbox.complete(key);
    } catch (err) {
      this.log.error({ err, key }, 'slack request failed');
      await this.crm.inbox.fail(key, err instanceof Error ? err.message : String(err)).catch((e: unknown) => this.log.warn({ err: e, key }, 'could not mark a request failed'));
    } finally {
      if (opts.queued) {
        this.running--;
        this.waiting.shift()?.();
      }
      this.release(key);
    }
  }

  /** Waits for a free place among `concurrency` running requests. */
  private async turn(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private release(key: string): void {
    this.held.delete(key);
    if (this.held.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  // -------------------------------------------------------------------------------------------
  // Stopping and recovering

  /**
   * Stops taking new requests and waits (at most `timeoutMs`) for the held ones to finish. What
   * is still held then stays pending in the inbox, let go so that the next start takes it at once.
   */
  async drain(timeoutMs: number): Promise<{ finished: boolean; left: number }> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.held.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    const left = [...this.held];
    if (left.length) await this.crm.inbox.letGo(left).catch((err: unknown) => this.log.warn({ err }, 'could not let go of pending requests'));
    return { finished: left.length === 0, left: left.length };
  }

  /** Looks for requests whose process died, now and every `recoverEveryMs`, until `drain`. */
  startRecovery(app: App, client: WebClient): void {
    const tick = () => {
      // One recovery at a time: the next tick comes after this one's requests have finished.
      if (this.stopping || this.recovering) return;
      this.recovering = true;
      inBackground(this.log, 'inbox recovery', () => this.recover(app, client).finally(() => (this.recovering = false)));
    };
    tick();
    this.timer = setInterval(tick, this.limits.recoverEveryMs);
    this.timer.unref();
  }

  /**
   * Finishes or answers pending requests nobody holds, batch after batch until none is left or
   * the backlog is full; they run on the queue beside new requests (`concurrency` at a time).
   * Resolves when the ones it took have finished; returns how many it took.
   */
  async recover(app: App, client: WebClient): Promise<number> {
    const resumed: Promise<void>[] = [];
    for (let more = true; more; ) {
      const items = await this.crm.inbox.abandoned(this.limits.leaseMs, RECOVER_BATCH);
      more = items.length === RECOVER_BATCH;
      let tookAny = false;
      for (const item of items) {
        if (this.stopping || this.refusal()) {
          more = false;
          break;
        }
        // Taken by this process already, waiting on the queue longer than the lease.
        if (this.held.has(item.key)) continue;
        if (!(await this.crm.inbox.takeOver(item.key, this.limits.leaseMs))) continue;
        tookAny = true;
        // Held from now on, so that the backlog's bound counts it before its listener runs.
        this.held.add(item.key);
        resumed.push(
          this.resume(app, client, item)
            .catch((err: unknown) => this.log.warn({ err, key: item.key }, 'could not finish a pending request'))
            .finally(() => this.release(item.key)),
        );
      }
      more &&= tookAny;
    }
    await Promise.all(resumed);
    return resumed.length;
  }

  private async resume(app: App, client: WebClient, item: AbandonedItem): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(item.payload) as Record<string, unknown>;
    } catch {
      await this.crm.inbox.fail(item.key, 'unreadable payload');
      return;
    }
    const age = this.crm.clock.now().getTime() - item.receivedAt.getTime();
    const tooOld = age > RESPONSE_URL_TTL_MS - 60_000;
    if (tooOld || item.attempts > MAX_ATTEMPTS) {
      await this.tellByDm(client, body, item, tooOld ? 'expired' : 'failed');
      return;
    }
    this.log.info({ key: item.key, attempts: item.attempts }, 'finishing a request left pending by a stopped process');
    // Through the same listeners, which see the replay flag: no second record, no acknowledgement.
    await app.processEvent({ body, ack: async () => {}, customProperties: { [REPLAY]: item.key } });
  }

  private async tellByDm(client: WebClient, body: Record<string, unknown>, item: AbandonedItem, why: 'expired' | 'failed'): Promise<void> {
    const user = (body.user_id as string | undefined) ?? (body.user as { id?: string } | undefined)?.id;
    const what = describe(body);
    const at = item.receivedAt.toISOString().slice(11, 16);
    const text = why === 'expired' ? INBOX_TEXT.expired(what, at) : INBOX_TEXT.failed(what);
    try {
      // With OAuth each workspace has its own bot token; the recovery's client has none.
      const teamId = (body.team_id as string | undefined) ?? (body.team as { id?: string } | undefined)?.id;
      const token = teamId && this.botTokenFor ? await this.botTokenFor(teamId) : undefined;
      if (user) await client.chat.postMessage({ channel: user, text, ...(token && { token }) });
    } catch (err) {
      this.log.warn({ err, key: item.key }, 'could not tell the person about an interrupted request');
    }
    await this.crm.inbox.fail(item.key, why);
  }
}

/** "`/deal new Acme 5k`", "button", "form": what the person did, for a message about it. */
function describe(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return `\`${body.command} ${String(body.text ?? '').slice(0, 80)}\``;
  if (body.type === 'view_submission') return 'form';
  if (body.type === 'block_actions') return 'button click';
  return 'request';
}
