/**
 * Pacing for scheduled deliveries: at most one message per `perConversationMs` to any one
 * conversation (Slack allows about one message per second per channel), and when a platform
 * answers "rate limited, retry after N", every delivery to that workspace waits those N.
 * Direct messages to different people are different conversations, so a morning's nudges go out
 * in parallel (the runner bounds how many at once).
 */
import type { Clock, Destination } from '../ports.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Thrown by `DeliveryPacer.run` instead of waiting longer than its caller allows: the send did
 * not happen, and may be tried from `readyAt` (epoch ms) on.
 */
export class PacerDeferral extends Error {
  override readonly name = 'PacerDeferral';
  constructor(readonly readyAt: number) {
    super(`the conversation's next turn is at ${new Date(readyAt).toISOString()}`);
  }
}

export class DeliveryPacer {
  private readonly last = new Map<string, number>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    private readonly perConversationMs = 1000,
  ) {}

  /**
   * Waits for this conversation's turn, then runs `send`. Sends to one conversation never overlap.
   * When the turn (after the sends queued before this one) is more than `maxWaitMs` away, throws
   * PacerDeferral without running `send`.
   */
  async run<T>(dest: Destination, send: () => Promise<T>, maxWaitMs = Infinity): Promise<T> {
    const key = `${dest.platform}:${dest.workspaceId}:${dest.conversationId}`;
    const before = this.queues.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = before.then(() => mine);
    this.queues.set(key, tail);
    try {
      await before;
      const now = this.clock.now().getTime();
      const lastAt = this.last.get(key);
      const readyAt = Math.max(lastAt === undefined ? 0 : lastAt + this.perConversationMs, this.pausedUntil.get(dest.workspaceId) ?? 0);
      if (readyAt - now > maxWaitMs) throw new PacerDeferral(readyAt);
      if (readyAt > now) await this.sleep(readyAt - now);
      this.last.set(key, this.clock.now().getTime());
      return await send();
    } finally {
      done();
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  /** Holds every send to a workspace until `ms` from now (a platform's Retry-After). */
  pause(workspaceId: string, ms: number): void {
    const until = this.clock.now().getTime() + ms;
    if (until > (this.pausedUntil.get(workspaceId) ?? 0)) this.pausedUntil.set(workspaceId, until);
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
