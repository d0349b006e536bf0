/**
 * Runs scheduled deliveries: finds the digests and nudges due now (each in its own time zone),
 * claims each in the run ledger, builds it, and sends it through the Notifier port, paced, with
 * retries that honour the platform's Retry-After. Called by the Bree jobs (src/jobs) once a
 * minute; safe to call from any number of processes at once (see ledger.ts).
 *
 * Exactly once, and where it is only at least once:
 * - The ledger's unique key (kind, subject, local date) admits one claim per delivery; a claim
 *   whose run died is taken over after the lease. A crash before the send (building, or before
 *   the ledger says `sending`) therefore posts once, after the lease.
 * - Throttling and slow runs: no wait (a Retry-After, a backoff, the pacer's turn) is longer than
 *   a quarter of the lease (MAX_PAUSE_SHARE_OF_LEASE); a longer one hands the delivery back to
 *   the ledger (`retry` at `nextAttemptAt`) instead of holding the claim through it. And every
 *   post is preceded by `ledger.sending`, a conditional update on this run's claim token that
 *   renews the lease: a run whose claim was taken over while it waited finds out there and does
 *   not post; a run that renewed posts within the send timeout (sendTimeoutMs, also a quarter
 *   of the lease per request), long before anyone may take the claim over.
 * - A crash or a 5xx between the platform accepting the message and the ledger saying `sent`
 *   leaves the outcome unknown (`sendingAt` is set). The next attempt asks the notifier whether
 *   a message with this delivery's key was posted (Slack: message metadata) and posts only if
 *   not. When the notifier cannot tell, it posts again: at least once, a window of one HTTP
 *   round trip plus one database write.
 */
import type { DigestSubscription, Member } from '../../generated/sqlite/client.js';
import type { Db } from '../context.js';
import { fromDateOnly } from '../shared/dates.js';
import { DAY_MS } from '../shared/dates.js';
import { DeliveryError, isDeliveryError, type Clock, type Destination, type Notification, type Notifier, type SentMessage } from '../ports.js';
import { digestSubject, type DigestMemo, type DigestService } from './digest.service.js';
import { FINAL_STATUSES, type Claim, type DeliveryKind, type DeliveryLedgerStore, type DeliveryStatus, type LedgerKey } from './ledger.js';
import type { NudgeService } from './nudge.service.js';
import { DeliveryPacer, mapLimit, PacerDeferral, realSleep, type Sleep } from './pacer.js';
import { digestDueDate, nudgeDueDate, type DigestDays } from './schedule.js';

/** The little a runner logs; pino's logger fits. */
export interface RunLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const quiet: RunLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The longest a run waits while holding a claim, as a share of the lease: the claim is renewed
 * right before each post, so a wait this short never lets the lease run out under the run.
 */
export const MAX_PAUSE_SHARE_OF_LEASE = 0.25;
/** The longest one platform request of a send may take, as a share of the lease (see sendTimeoutMs). */
export const SEND_TIMEOUT_SHARE_OF_LEASE = 0.25;

/**
 * The timeout for each platform request of a delivery (a send is at most two: a channel check
 * and the post), so that a post started under a just-renewed claim ends well within the lease.
 */
export function sendTimeoutMs(leaseMs: number, platformTimeoutMs: number): number {
  return Math.min(platformTimeoutMs, Math.floor(leaseMs * SEND_TIMEOUT_SHARE_OF_LEASE));
}

/** What the ledger says about a delivery handed back because its wait was too long. */
const RATE_LIMITED = 'rate_limited';

export interface DeliveryRunnerOptions {
  /** The platforms this process can deliver to; subscriptions and members of others are left alone. */
  platforms: readonly Destination['platform'][];
  /** Deliveries built and sent at once. Default 8. */
  concurrency?: number;
  /** Sends per delivery within one run (the first and the retries). Default 3. */
  attemptsPerRun?: number;
  /** Runs (claims) per delivery before it is given up as failed. Default 5. */
  maxClaims?: number;
  /**
   * The longest wait within a run (a Retry-After, a backoff, the pacer's turn); a longer one is
   * retried by a later run. Default 60 s, and never more than a quarter of the ledger's lease.
   */
  maxWaitMs?: number;
  /** Waits between attempts when the platform gave no Retry-After. Default 2 s, then 10 s. */
  backoffMs?: readonly number[];
  /** Minimum gap between two messages to one conversation. Default 1 s. */
  perConversationMs?: number;
  sleep?: Sleep;
  log?: RunLog;
}

export interface RunReport {
  /** Due now and not finished yet. */
  due: number;
  sent: number;
  skipped: number;
  /** Failed for now; a later run tries again. */
  retrying: number;
  failed: number;
  /** Held by another run (another scheduler, or a run that has not finished). */
  busy: number;
}

type Outcome = 'sent' | 'skipped' | 'retrying' | 'failed' | 'busy';

/** One try at posting: the claim was lost before it, or the platform answered. */
type Attempt = { kind: 'lost' } | { kind: 'sent'; sent: SentMessage; startedAt: Date } | { kind: 'error'; err: unknown; startedAt: Date };

interface Delivery {
  workspaceId: string;
  key: LedgerKey;
  destination: () => Promise<Destination | null>;
  build: () => Promise<{ notification: Notification; period?: Period } | { skip: string; period?: Period }>;
}

interface Period {
  periodStart: Date;
  periodEnd: Date;
}

const emptyReport = (): RunReport => ({ due: 0, sent: 0, skipped: 0, retrying: 0, failed: 0, busy: 0 });

export class DeliveryRunner {
  private readonly opts: Required<Omit<DeliveryRunnerOptions, 'log' | 'sleep'>>;
  private readonly log: RunLog;
  private readonly sleep: Sleep;
  private readonly pacer: DeliveryPacer;
  /** The longest wait while holding a claim: maxWaitMs, capped at a share of the lease. */
  private readonly maxPauseMs: number;

  constructor(
    private readonly deps: { db: Db; clock: Clock },
    private readonly digests: DigestService,
    private readonly nudges: NudgeService,
    readonly ledger: DeliveryLedgerStore,
    private readonly notifier: Notifier,
    options: DeliveryRunnerOptions,
  ) {
    this.opts = {
      platforms: options.platforms,
      concurrency: options.concurrency ?? 8,
      attemptsPerRun: options.attemptsPerRun ?? 3,
      maxClaims: options.maxClaims ?? 5,
      maxWaitMs: options.maxWaitMs ?? 60_000,
      backoffMs: options.backoffMs ?? [2_000, 10_000],
      perConversationMs: options.perConversationMs ?? 1_000,
    };
    this.log = options.log ?? quiet;
    this.sleep = options.sleep ?? realSleep;
    this.pacer = new DeliveryPacer(deps.clock, this.sleep, this.opts.perConversationMs);
    this.maxPauseMs = Math.min(this.opts.maxWaitMs, Math.floor(ledger.leaseMs * MAX_PAUSE_SHARE_OF_LEASE));
  }

  /** The platforms this runner delivers to. */
  get platforms(): readonly Destination['platform'][] {
    return this.opts.platforms;
  }

  /** Every digest and nudge due now. */
  async runDue(): Promise<{ digests: RunReport; nudges: RunReport }> {
    const digests = await this.runDigests();
    const nudges = await this.runNudges();
    return { digests, nudges };
  }

  /** Posts every channel digest due now (the digests job). */
  async runDigests(): Promise<RunReport> {
    if (this.opts.platforms.length === 0) return emptyReport();
    const now = this.deps.clock.now();
    const subs = await this.digests.subscriptions(this.opts.platforms);
    const due: { sub: DigestSubscription; date: string }[] = [];
    for (const sub of subs) {
      const date = digestDueDate(
        { minuteOfDay: sub.minuteOfDay, days: sub.days as DigestDays, timeZone: sub.timezone, createdAt: sub.createdAt },
        now,
      );
      if (date) due.push({ sub, date });
    }
    const open = await this.notDone('digest', due.map((d) => ({ subject: digestSubject(d.sub), date: d.date, item: d })), now);
    const memo: DigestMemo = new Map();
    const outcomes = await mapLimit(open, this.opts.concurrency, ({ sub, date }) =>
      this.deliver({
        workspaceId: sub.workspaceId,
        key: { kind: 'digest', subject: digestSubject(sub), localDate: date },
        destination: async () => ({
          platform: sub.platform as Destination['platform'],
          workspaceId: sub.workspaceId,
          conversationId: sub.conversationId,
          kind: 'channel',
        }),
        build: async () => {
          // Every digest of a run is read as of the run's start (so channels can share reads);
          // the next digest's changes start where this one's ended.
          const previous = await this.ledger.previousPeriodEnd('digest', digestSubject(sub), date);
          const since = previous ?? new Date(Math.max(sub.createdAt.getTime(), now.getTime() - 7 * DAY_MS));
          const period = { periodStart: since, periodEnd: now };
          const digest = await this.digests.build({ workspaceId: sub.workspaceId, timeZone: sub.timezone }, { date, since, now }, memo);
          if (digest.allClear && sub.whenEmpty === 'silent') return { skip: 'nothing to report', period };
          return { notification: { type: 'digest', key: `digest:${digestSubject(sub)}:${date}`, digest }, period };
        },
      }),
    );
    return this.report(open.length, outcomes, 'digests');
  }

  /** Sends every owner's nudge due now (the nudges job). Owners with nothing to do get none. */
  async runNudges(): Promise<RunReport> {
    if (this.opts.platforms.length === 0) return emptyReport();
    const now = this.deps.clock.now();
    const members = await this.deps.db.member.findMany({
      where: { deactivated: null, nudgesEnabled: true, workspace: { platform: { in: [...this.opts.platforms] } } },
      include: { workspace: { select: { platform: true } } },
    });
    const due: { member: (typeof members)[number]; date: string }[] = [];
    for (const m of members) {
      const date = nudgeDueDate(
        { nudgeMinute: m.nudgeMinute, quietStartMinute: m.quietStartMinute, quietEndMinute: m.quietEndMinute, timeZone: m.timezone },
        now,
      );
      if (date) due.push({ member: m, date });
    }
    const open = await this.notDone('nudge', due.map((d) => ({ subject: d.member.id, date: d.date, item: d })), now);

    // One query per workspace finds who has anything to do; everyone else is settled for the day
    // (skipped) without building a message.
    const byWorkspace = new Map<string, typeof open>();
    for (const d of open) {
      const list = byWorkspace.get(d.member.workspaceId);
      if (list) list.push(d);
      else byWorkspace.set(d.member.workspaceId, [d]);
    }
    const work: { item: (typeof open)[number]; hasWork: boolean }[] = [];
    for (const [workspaceId, list] of byWorkspace) {
      const owners = await this.ownersWithWork(workspaceId, list);
      for (const item of list) work.push({ item, hasWork: owners.has(item.member.id) });
    }

    const outcomes = await mapLimit(work, this.opts.concurrency, ({ item: { member, date }, hasWork }) =>
      hasWork
        ? this.deliver({
            workspaceId: member.workspaceId,
            key: { kind: 'nudge', subject: member.id, localDate: date },
            destination: () => this.directDestination(member, member.workspace.platform),
            build: async () => {
              const nudge = await this.nudges.build(member, date);
              return nudge ? { notification: { type: 'nudge', key: `nudge:${member.id}:${date}`, nudge } } : { skip: 'nothing to do' };
            },
          })
        : this.settle(member.workspaceId, { kind: 'nudge', subject: member.id, localDate: date }, 'nothing to do'),
    );
    return this.report(open.length, outcomes, 'nudges');
  }

  /** Deletes ledger rows older than `days` (the prune job). */
  async pruneLedger(days = 35): Promise<number> {
    return this.ledger.prune(new Date(this.deps.clock.now().getTime() - days * DAY_MS));
  }

  // -------------------------------------------------------------------------------------------

  /** The due items whose ledger row is missing or claimable now (the rest are done or held). */
  private async notDone<T>(kind: DeliveryKind, items: { subject: string; date: string; item: T }[], now: Date): Promise<T[]> {
    const rows = await this.ledger.existing(kind, [...new Set(items.map((i) => i.subject))], [...new Set(items.map((i) => i.date))]);
    const closed = new Set(
      rows
        .filter((r) => FINAL_STATUSES.includes(r.status as DeliveryStatus) || !this.ledger.claimable(r, now))
        .map((r) => `${r.subject}|${r.localDate}`),
    );
    return items.filter((i) => !closed.has(`${i.subject}|${i.date}`)).map((i) => i.item);
  }

  /** Members among `list` who own an open deal with no next action, or one due by their today. */
  private async ownersWithWork(workspaceId: string, list: { member: Member; date: string }[]): Promise<Set<string>> {
    const latest = list.reduce((max, d) => (d.date > max ? d.date : max), '0000-00-00');
    const owners = new Set<string>();
    const ids = list.map((d) => d.member.id);
    for (let i = 0; i < ids.length; i += 500) {
      const groups = await this.deps.db.deal.groupBy({
        by: ['ownerId'],
        where: {
          workspaceId,
          status: 'open',
          archived: false,
          ownerId: { in: ids.slice(i, i + 500) },
          OR: [{ nextAction: null }, { nextActionDueAt: { lte: fromDateOnly(latest) } }],
        },
      });
      for (const g of groups) if (g.ownerId) owners.add(g.ownerId);
    }
    return owners;
  }

  /** Where a member's direct messages go on their platform, or null when there is nowhere. */
  private async directDestination(member: Member, platform: string): Promise<Destination | null> {
    const base = { workspaceId: member.workspaceId, kind: 'direct' as const };
    if (platform === 'slack') return { ...base, platform: 'slack', conversationId: member.externalId };
    if (platform === 'teams') {
      const chat = await this.deps.db.teamsConversation.findFirst({
        where: { workspaceId: member.workspaceId, memberId: member.id, kind: 'personal' },
        orderBy: { updatedAt: 'desc' },
      });
      return chat ? { ...base, platform: 'teams', conversationId: chat.conversationId } : null;
    }
    return null;
  }

  /** Records a delivery as skipped for the day without building it. */
  private async settle(workspaceId: string, key: LedgerKey, reason: string): Promise<Outcome> {
    try {
      const claim = await this.ledger.claim(workspaceId, key, this.deps.clock.now());
      if (!claim) return 'busy';
      return (await this.ledger.skipped(claim, reason)) ? 'skipped' : 'busy';
    } catch (err) {
      this.log.error({ err, key }, 'could not record a skipped delivery');
      return 'retrying';
    }
  }

  /** One delivery, start to finish. Never throws. */
  private async deliver(d: Delivery): Promise<Outcome> {
    const claim = await this.ledger.claim(d.workspaceId, d.key, this.deps.clock.now()).catch((err: unknown) => {
      this.log.error({ err, key: d.key }, 'could not claim a delivery');
      return null;
    });
    if (!claim) return 'busy';
    const ctx = { key: d.key, attempt: claim.attempts };
    try {
      if (claim.attempts > this.opts.maxClaims) {
        await this.ledger.failed(claim, 'gave up after repeated failures', { maybeDelivered: false, now: this.deps.clock.now() });
        this.log.error(ctx, 'delivery given up');
        return 'failed';
      }
      const destination = await d.destination();
      if (!destination) {
        await this.ledger.skipped(claim, 'no conversation to deliver to');
        return 'skipped';
      }
      const built = await d.build();
      if ('skip' in built) {
        await this.ledger.skipped(claim, built.skip, built.period);
        return 'skipped';
      }
      return await this.send(claim, destination, built.notification, built.period);
    } catch (err) {
      // A bug or the database: let go of the claim so that the next run tries again.
      this.log.error({ ...ctx, err }, 'delivery failed unexpectedly');
      await this.ledger.release(claim, err instanceof Error ? err.message : String(err), this.deps.clock.now()).catch(() => false);
      return 'retrying';
    }
  }

  private async send(claim: Claim, dest: Destination, notification: Notification, period?: Period): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      // An earlier send may have got through (a crash mid-send, a 5xx): ask before sending again.
      if (claim.uncertainSince) {
        const found = await this.findSent(dest, notification.key, claim.uncertainSince);
        if (found) {
          if (!(await this.ledger.sent(claim, found))) return 'busy';
          this.log.info({ key: claim.key }, 'an earlier attempt had been delivered');
          return 'sent';
        }
      }
      let outcome: Attempt;
      try {
        // The pacer's wait comes first; then, right before the post, the claim is checked and
        // renewed in one conditional update. A claim lost while waiting is never posted under.
        outcome = await this.pacer.run(
          dest,
          async (): Promise<Attempt> => {
            const startedAt = this.deps.clock.now();
            if (!(await this.ledger.sending(claim, startedAt, { conversationId: dest.conversationId, ...period }))) return { kind: 'lost' };
            try {
              return { kind: 'sent', sent: await this.notifier.send(dest, notification), startedAt };
            } catch (err) {
              return { kind: 'error', err, startedAt };
            }
          },
          this.maxPauseMs,
        );
      } catch (err) {
        if (!(err instanceof PacerDeferral)) throw err;
        // This workspace is paused (a Retry-After) for longer than a claim may wait: hand it back.
        const retryAt = new Date(err.readyAt);
        await this.ledger.requeue(claim, RATE_LIMITED, retryAt);
        this.log.info({ key: claim.key, retryAt }, 'delivery handed back until the platform’s Retry-After has passed');
        return 'retrying';
      }
      if (outcome.kind === 'lost') {
        this.log.warn({ key: claim.key }, 'claim taken over by another run while waiting; not sending');
        return 'busy';
      }
      if (outcome.kind === 'sent') {
        const tookMs = this.deps.clock.now().getTime() - outcome.startedAt.getTime();
        if (tookMs >= this.ledger.leaseMs) this.log.warn({ key: claim.key, tookMs }, 'a send took longer than the lease');
        if (!(await this.ledger.sent(claim, outcome.sent))) this.log.warn({ key: claim.key }, 'sent, but the claim had been taken over');
        return 'sent';
      }
      const { err, startedAt } = outcome;
      const error = isDeliveryError(err)
        ? err
        : new DeliveryError('unexpected', { retryable: true, maybeDelivered: true, message: err instanceof Error ? err.message : String(err), cause: err });
      if (error.maybeDelivered) claim.uncertainSince ??= startedAt;
      if (error.code === RATE_LIMITED && error.retryAfterMs) this.pacer.pause(dest.workspaceId, error.retryAfterMs);
      const now = this.deps.clock.now();
      if (!error.retryable) {
        await this.ledger.failed(claim, error.code, { maybeDelivered: error.maybeDelivered, now });
        this.log.warn({ key: claim.key, code: error.code }, 'delivery failed for good');
        return 'failed';
      }
      const wait = error.retryAfterMs ?? this.opts.backoffMs[Math.min(attempt - 1, this.opts.backoffMs.length - 1)] ?? 1000;
      if (attempt >= this.opts.attemptsPerRun || wait > this.maxPauseMs) {
        // Never wait out more than a share of the lease while holding the claim: a later run
        // (this process's or another's) takes it from nextAttemptAt.
        await this.ledger.failed(claim, error.code, { nextAttemptAt: new Date(now.getTime() + wait), maybeDelivered: error.maybeDelivered, now });
        this.log.warn({ key: claim.key, code: error.code, retryInMs: wait }, 'delivery will be retried by a later run');
        return 'retrying';
      }
      this.log.info({ key: claim.key, code: error.code, waitMs: wait }, 'delivery retrying');
      await this.sleep(wait);
    }
  }

  private async findSent(dest: Destination, key: string, since: Date): Promise<SentMessage | null> {
    if (!this.notifier.findSent) return null;
    try {
      const found = await this.notifier.findSent(dest, key, new Date(since.getTime() - 60_000));
      if (found === undefined) this.log.warn({ key }, 'cannot tell whether an earlier attempt was delivered; sending again');
      return found ?? null;
    } catch (err) {
      this.log.warn({ key, err }, 'cannot tell whether an earlier attempt was delivered; sending again');
      return null;
    }
  }

  private report(due: number, outcomes: Outcome[], what: string): RunReport {
    const r = { ...emptyReport(), due };
    for (const o of outcomes) r[o]++;
    if (outcomes.length) this.log.info({ ...r }, `${what} run`);
    return r;
  }
}
