/**
 * The one way to start work that nobody waits for (republishing an App Home, pruning the inbox,
 * a recovery pass): its failure is logged with what it was, never unhandled and never silent.
 * The linter (`npm run lint`, no-floating-promises with `void` not accepted) holds every other
 * promise to being awaited or handled.
 */
import type { Logger } from './log.js';

export function inBackground(log: Pick<Logger, 'warn'>, what: string, work: Promise<unknown> | (() => Promise<unknown>), context: Record<string, unknown> = {}): void {
  let running: Promise<unknown>;
  try {
    running = typeof work === 'function' ? work() : work;
  } catch (err) {
    log.warn({ err, ...context }, `${what} failed`);
    return;
  }
  running.then(
    () => undefined,
    (err: unknown) => log.warn({ err, ...context }, `${what} failed`),
  );
}
