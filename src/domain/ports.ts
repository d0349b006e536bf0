/** What the domain needs from the world, as interfaces the composition root fills in. */
import type { DigestView, NudgeView } from './digests/digest.view.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move: for tests and benchmarks. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

// ---------------------------------------------------------------------------------------------
// Notifier: how scheduled deliveries (digests, nudges) reach a chat platform.

/**
 * Where a notification goes. `conversationId` is the platform's own id: a Slack channel id (or a
 * user id for a direct message), a Teams conversation id (from a stored conversation reference).
 */
export interface Destination {
  platform: 'slack' | 'teams' | 'console';
  /** The CRM workspace (not the platform's team or tenant id): a notifier resolves its credentials from it. */
  workspaceId: string;
  conversationId: string;
  kind: 'channel' | 'direct';
}

/**
 * What to deliver: a platform-neutral view model that each platform renders its own way (Block
 * Kit, an Adaptive Card, text), plus `key`, the same for every attempt at this one delivery
 * (e.g. `digest:slack:C123:2026-11-24`). A platform that can tag a message stores the key with it,
 * so that `findSent` can tell afterwards whether an attempt with an unknown outcome got through.
 */
export type Notification =
  | { type: 'digest'; key: string; digest: DigestView }
  | { type: 'nudge'; key: string; nudge: NudgeView };

export interface SentMessage {
  /** The platform's id of the posted message (Slack `ts`, Teams activity id). */
  messageId: string;
  /** The conversation it landed in, when the platform resolved it (a DM's channel id). */
  conversationId?: string;
}

/**
 * The port scheduled jobs deliver through; never a platform SDK directly. Implementations:
 * src/bot/slack/notifier.ts (Slack), and the Teams surface's. A notifier does one attempt per
 * call: retries, pacing and the exactly-once ledger are the caller's (src/domain/digests).
 */
export interface Notifier {
  /** Posts one notification. Resolves when the platform accepted it; throws DeliveryError when not. */
  send(destination: Destination, notification: Notification): Promise<SentMessage>;
  /**
   * Optional: finds a message posted with `key` since `since`, after an attempt whose outcome is
   * unknown (the process died mid-send, or the platform answered 5xx). Resolves null when there
   * is none, undefined when it cannot tell (then the caller sends again: at least once).
   */
  findSent?(destination: Destination, key: string, since: Date): Promise<SentMessage | null | undefined>;
}

/**
 * Why a send failed, in the terms a retry policy needs. `retryable`: worth another attempt
 * (rate limited, 5xx, timeout, network). `retryAfterMs`: the platform's own wait (Retry-After),
 * honoured before the next attempt. `maybeDelivered`: the platform may have posted it anyway
 * (a 5xx or a timeout after the request went out), so check `findSent` before sending again.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly maybeDelivered: boolean;
  /** A short machine-readable reason: `rate_limited`, `http_503`, `channel_not_found`, … */
  readonly code: string;
  constructor(
    code: string,
    opts: { retryable: boolean; retryAfterMs?: number; maybeDelivered?: boolean; message?: string; cause?: unknown },
  ) {
    super(opts.message ?? code, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.maybeDelivered = opts.maybeDelivered ?? false;
  }
}

export const isDeliveryError = (err: unknown): err is DeliveryError => err instanceof DeliveryError;
