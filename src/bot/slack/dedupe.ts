/**
 * Slack's Events API retries a delivery it thinks failed (a timeout, an error status) with the same
 * `event_id` and an `X-Slack-Retry-Num` header, up to three times, sometimes while the first is
 * still being handled; Socket Mode redelivers the same way. This global middleware lets each
 * event through once, across replicas: the first delivery claims `slack:event:<event_id>` in the
 * inbox (one insert guarded by a unique key), every later one finds it claimed and is dropped.
 * Bolt has already acknowledged the event when middleware runs, so a dropped retry still gets 200.
 */
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import type { InboxService } from '../../domain/inbox/inbox.service.js';
import { inBackground } from '../../background.js';
import type { Logger } from '../../log.js';

export const SLACK_EVENT_KEY_PREFIX = 'slack:event:';

export function eventInboxKey(eventId: string): string {
  return `${SLACK_EVENT_KEY_PREFIX}${eventId}`;
}

export function dedupeEvents(inbox: InboxService, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const eventId = (body as { type?: unknown; event_id?: unknown }).type === 'event_callback' ? (body as { event_id?: unknown }).event_id : undefined;
    if (typeof eventId !== 'string' || eventId === '') {
      await next();
      return;
    }
    const key = eventInboxKey(eventId);
    inBackground(log, 'pruning the inbox', () => inbox.pruneIfDue());
    if (!(await inbox.claim(key, 'event'))) {
      log.debug({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'slack event already handled: retry dropped');
      return;
    }
    try {
      await next();
    } catch (err) {
      await inbox.release(key).catch((releaseErr: unknown) => log.warn({ err: releaseErr, eventId }, 'could not release an inbox claim'));
      throw err;
    }
    await inbox.complete(key);
  };
}
