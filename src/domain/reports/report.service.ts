/** Read-only questions about the pipeline: what reports, digests and nudges show. */
import { COUNT_CAP, countUpTo } from '../shared/count.js';
import type { Prisma } from '../../generated/sqlite/client.js';
import type { Actor, DomainDeps } from '../context.js';
import type { DealService } from '../deals/deal.service.js';
import { dealViewInclude } from '../deals/deal.view.js';
import type { PipelineInfo, PipelineService, StageInfo } from '../pipeline/pipeline.service.js';
import { DAY_MS, fromDateOnly, todayIn } from '../shared/dates.js';
import { addTo, percentOf, toTotals, type Money } from '../shared/money.js';
import type { DealQueueView, PipelineSummaryView, StageSummary } from './report.view.js';
import type { DealChangeView } from '../digests/digest.view.js';

export interface QueueOptions {
  /** Only this member's deals. */
  ownerId?: string;
  limit?: number;
}

export class ReportService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly pipelines: PipelineService,
    private readonly deals: DealService,
  ) {}

  /**
   * Open deals with no activity for `days` (the workspace's setting by default), quietest first;
   * snoozed deals are left out until their snooze ends. With a `threshold`, deals at or above it
   * (in its currency) come first, each group quietest first.
   */
  async staleDeals(
    actor: Actor,
    opts: QueueOptions & { days?: number; threshold?: Money | null } = {},
  ): Promise<DealQueueView & { days: number; aboveThreshold: number }> {
    const days = opts.days ?? (await this.workspace(actor)).staleDays;
    const now = this.deps.clock.now();
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const where: Prisma.DealWhereInput = {
      ...this.open(actor, opts),
      lastActivityAt: { lt: cutoff },
      OR: [{ snoozedUntil: null }, { snoozedUntil: { lte: now } }],
    };
    const heading = `Deals with no activity for ${days}+ days`;
    const threshold = opts.threshold;
    if (!threshold) {
      const view = await this.queue(actor, where, { lastActivityAt: 'asc' }, heading, opts);
      return { ...view, days, aboveThreshold: 0 };
    }
    const above: Prisma.DealWhereInput = { currency: threshold.currency, amountCents: { gte: threshold.minor } };
    // Spelled out rather than NOT(above): a deal without an amount is below any threshold.
    const below: Prisma.DealWhereInput = {
      OR: [{ currency: { not: threshold.currency } }, { amountCents: null }, { amountCents: { lt: threshold.minor } }],
    };
    const take = limitOf(opts);
    const first = await this.queue(actor, { AND: [where, above] }, { lastActivityAt: 'asc' }, heading, { ...opts, limit: take });
    const rest =
      first.items.length < take
        ? await this.queue(actor, { AND: [where, below] }, { lastActivityAt: 'asc' }, heading, { ...opts, limit: take - first.items.length })
        : { items: [], ...(await countUpTo((n) => this.deps.db.deal.count({ where: { AND: [where, below] }, orderBy: { lastActivityAt: 'asc' }, take: n }), this.cap)) };
    const total = first.total + rest.total;
    return {
      heading,
      items: [...first.items, ...rest.items],
      total: Math.min(total, this.cap),
      totalCapped: first.totalCapped || rest.totalCapped || total > this.cap,
      days,
      aboveThreshold: first.total,
    };
  }

  /** Next actions due today or overdue, in the actor's calendar, oldest first. */
  async nextActionsDue(actor: Actor, opts: QueueOptions = {}): Promise<DealQueueView> {
    const today = fromDateOnly(todayIn(actor.timeZone, this.deps.clock.now()));
    const where: Prisma.DealWhereInput = { ...this.open(actor, opts), nextActionDueAt: { lte: today } };
    return this.queue(actor, where, { nextActionDueAt: 'asc' }, 'Next actions due today or overdue', opts);
  }

  /** Open deals that break the rule: no next action. */
  async withoutNextAction(actor: Actor, opts: QueueOptions = {}): Promise<DealQueueView> {
    const where: Prisma.DealWhereInput = { ...this.open(actor, opts), nextAction: null };
    return this.queue(actor, where, { updatedAt: 'desc' }, 'Open deals with no next action', opts);
  }

  /**
   * Deals that moved stage, were won or were lost in (since, until]: from the timeline, so the
   * cost follows how much happened, not how many deals there are. Each deal appears once, by
   * where it stands now: won, lost, or moved (open, and in another stage than before; a deal that
   * went and came back is left out). Most recent first, at most `limit` per kind.
   */
  async changesSince(actor: Actor, since: Date, until: Date, limit = 10): Promise<{ moved: DealChangeView[]; won: DealChangeView[]; lost: DealChangeView[]; total: number }> {
    const events = await this.deps.db.dealEvent.findMany({
      where: { workspaceId: actor.workspaceId, at: { gt: since, lte: until }, kind: { in: ['stage', 'won', 'lost'] } },
      orderBy: { at: 'asc' },
      select: { dealId: true, kind: true, fromValue: true, at: true },
      take: 20_000,
    });
    const byDeal = new Map<string, { from: string | null | undefined; last: Date; won: Date | null; lost: Date | null }>();
    for (const e of events) {
      const entry = byDeal.get(e.dealId) ?? { from: undefined, last: e.at, won: null, lost: null };
      if (e.kind === 'stage' && entry.from === undefined) entry.from = e.fromValue;
      if (e.kind === 'won') entry.won = e.at;
      if (e.kind === 'lost') entry.lost = e.at;
      entry.last = e.at;
      byDeal.set(e.dealId, entry);
    }
    if (byDeal.size === 0) return { moved: [], won: [], lost: [], total: 0 };
    const ids = [...byDeal.keys()];
    const current: { id: string; status: string; stageId: string }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      current.push(
        ...(await this.deps.db.deal.findMany({
          where: { workspaceId: actor.workspaceId, id: { in: ids.slice(i, i + 500) }, archived: false },
          select: { id: true, status: true, stageId: true },
        })),
      );
    }
    const stages = await this.pipelines.stagesById(actor.workspaceId, new Set(current.map((d) => d.stageId)));
    type Pick = { id: string; from: string | null; to: string; at: Date };
    const won: Pick[] = [];
    const lost: Pick[] = [];
    const moved: Pick[] = [];
    for (const d of current) {
      const e = byDeal.get(d.id)!;
      const from = e.from ?? null;
      const to = stages.get(d.stageId)?.name ?? '';
      if (d.status === 'won' && e.won) won.push({ id: d.id, from, to, at: e.won });
      else if (d.status === 'lost' && e.lost) lost.push({ id: d.id, from, to, at: e.lost });
      else if (d.status === 'open' && from !== to) moved.push({ id: d.id, from, to, at: e.last });
    }
    const newest = (a: Pick, b: Pick) => b.at.getTime() - a.at.getTime();
    const shown = [won, lost, moved].map((list) => list.sort(newest).slice(0, limit));
    const rows = await this.deps.db.deal.findMany({ where: { id: { in: shown.flat().map((p) => p.id) } }, include: dealViewInclude });
    const views = new Map((await this.deals.views(actor, rows)).map((v) => [v.id, v]));
    const toView = (list: Pick[]): DealChangeView[] =>
      list.flatMap((p) => {
        const deal = views.get(p.id);
        return deal ? [{ deal, from: p.from, to: p.to, at: p.at }] : [];
      });
    return { won: toView(shown[0]!), lost: toView(shown[1]!), moved: toView(shown[2]!), total: won.length + lost.length + moved.length };
  }

  /**
   * Pipeline value and count per stage, weighted forecast, and over the last `periodDays`: win
   * rate, average won deal size and average sales cycle.
   */
  async pipelineSummary(actor: Actor, periodDays = 90): Promise<PipelineSummaryView> {
    const ws = await this.workspace(actor);
    const pipelines = await this.pipelines.pipelines(actor.workspaceId);
    const stages = allStages(pipelines);
    const since = new Date(this.deps.clock.now().getTime() - periodDays * DAY_MS);
    const [openGroups, closedGroups] = await Promise.all([
      this.deps.db.deal.groupBy({
        by: ['stageId', 'currency'],
        where: { workspaceId: actor.workspaceId, status: 'open', archived: false },
        _count: { _all: true },
        _sum: { amountCents: true },
      }),
      this.deps.db.deal.groupBy({
        by: ['stageId', 'currency'],
        where: { workspaceId: actor.workspaceId, status: { in: ['won', 'lost'] }, archived: false, closedAt: { gte: since } },
        _count: { _all: true },
        _sum: { amountCents: true, salesCycleDays: true },
      }),
    ]);

    const byStage = new Map<string, { count: number; totals: Map<string, bigint> }>();
    const openTotals = new Map<string, bigint>();
    const weighted = new Map<string, bigint>();
    const wonTotals = new Map<string, bigint>();
    let openCount = 0;
    let wonCount = 0;
    let lostCount = 0;
    let wonCycleDays = 0;
    for (const g of [...openGroups, ...closedGroups]) {
      const stage = stages.find((s) => s.id === g.stageId);
      if (!stage) continue;
      const entry = byStage.get(stage.id) ?? { count: 0, totals: new Map<string, bigint>() };
      const sum = g._sum.amountCents ?? 0n;
      entry.count += g._count._all;
      addTo(entry.totals, g.currency, sum);
      byStage.set(stage.id, entry);
      if (stage.kind === 'open') {
        openCount += g._count._all;
        addTo(openTotals, g.currency, sum);
        addTo(weighted, g.currency, percentOf(sum, stage.probability));
      } else if (stage.kind === 'won') {
        wonCount += g._count._all;
        addTo(wonTotals, g.currency, sum);
        wonCycleDays += Number((g._sum as { salesCycleDays?: number | null }).salesCycleDays ?? 0);
      } else {
        lostCount += g._count._all;
      }
    }
    const wonCountByCurrency = new Map<string, number>();
    for (const g of closedGroups) {
      const stage = stages.find((s) => s.id === g.stageId);
      if (stage?.kind === 'won') wonCountByCurrency.set(g.currency, (wonCountByCurrency.get(g.currency) ?? 0) + g._count._all);
    }
    const average = new Map<string, bigint>();
    for (const [currency, total] of wonTotals) {
      const n = BigInt(wonCountByCurrency.get(currency) ?? 0);
      if (n > 0n) average.set(currency, (total + n / 2n) / n);
    }
    const currency = ws.defaultCurrency;
    const label = pipelineLabels(pipelines);
    const stageViews: StageSummary[] = stages.map((s) => {
      const entry = byStage.get(s.id);
      return {
        key: s.key,
        name: s.name,
        kind: s.kind,
        probability: s.probability,
        count: entry?.count ?? 0,
        totals: entry ? toTotals(entry.totals, currency) : [],
        ...label(s),
      };
    });
    return {
      currency,
      stages: stageViews,
      open: { count: openCount, totals: toTotals(openTotals, currency), weighted: toTotals(weighted, currency) },
      periodDays,
      won: { count: wonCount, totals: toTotals(wonTotals, currency) },
      lost: { count: lostCount },
      winRate: wonCount + lostCount > 0 ? wonCount / (wonCount + lostCount) : null,
      averageDealSize: toTotals(average, currency),
      averageCycleDays: wonCount > 0 ? Math.round((wonCycleDays / wonCount) * 10) / 10 : null,
    };
  }

  /** Open deals and value per open stage, and the weighted forecast: what digests show, in one query. */
  async openPipeline(actor: Actor): Promise<{ currency: string; stages: StageSummary[]; open: { count: number; totals: Money[]; weighted: Money[] } }> {
    const [ws, pipelines, groups] = await Promise.all([
      this.workspace(actor),
      this.pipelines.pipelines(actor.workspaceId),
      this.deps.db.deal.groupBy({
        by: ['stageId', 'currency'],
        where: { workspaceId: actor.workspaceId, status: 'open', archived: false },
        _count: { _all: true },
        _sum: { amountCents: true },
      }),
    ]);
    const currency = ws.defaultCurrency;
    const openTotals = new Map<string, bigint>();
    const weighted = new Map<string, bigint>();
    let count = 0;
    const label = pipelineLabels(pipelines);
    const views: StageSummary[] = allStages(pipelines)
      .filter((s) => s.kind === 'open')
      .map((s) => {
        const totals = new Map<string, bigint>();
        let n = 0;
        for (const g of groups) {
          if (g.stageId !== s.id) continue;
          const sum = g._sum.amountCents ?? 0n;
          n += g._count._all;
          addTo(totals, g.currency, sum);
          addTo(openTotals, g.currency, sum);
          addTo(weighted, g.currency, percentOf(sum, s.probability));
        }
        count += n;
        return { key: s.key, name: s.name, kind: s.kind, probability: s.probability, count: n, totals: toTotals(totals, currency), ...label(s) };
      });
    return { currency, stages: views, open: { count, totals: toTotals(openTotals, currency), weighted: toTotals(weighted, currency) } };
  }

  private open(actor: Actor, opts: QueueOptions): Prisma.DealWhereInput {
    return { workspaceId: actor.workspaceId, status: 'open', archived: false, ...(opts.ownerId && { ownerId: opts.ownerId }) };
  }

  private async queue(
    actor: Actor,
    where: Prisma.DealWhereInput,
    orderBy: Prisma.DealOrderByWithRelationInput,
    heading: string,
    opts: QueueOptions,
  ): Promise<DealQueueView> {
    const take = limitOf(opts);
    const rows = await this.deps.db.deal.findMany({ where, orderBy, take, include: dealViewInclude });
    const { total, totalCapped } =
      rows.length < take ? { total: rows.length, totalCapped: false } : await countUpTo((n) => this.deps.db.deal.count({ where, orderBy, take: n }), this.cap);
    return { heading, items: await this.deals.views(actor, rows), total, totalCapped };
  }

  private get cap(): number {
    return this.deps.countCap ?? COUNT_CAP;
  }

  private async workspace(actor: Actor) {
    return this.deps.db.workspace.findUniqueOrThrow({
      where: { id: actor.workspaceId },
      select: { staleDays: true, defaultCurrency: true },
    });
  }
}

/** Every stage of every pipeline, pipeline by pipeline (the default first). */
function allStages(pipelines: readonly PipelineInfo[]): StageInfo[] {
  return pipelines.flatMap((p) => p.stages);
}

/**
 * The pipeline a stage summary belongs to, only when the workspace has more than one: with one
 * pipeline, reports and digests read exactly as before.
 */
function pipelineLabels(pipelines: readonly PipelineInfo[]): (s: StageInfo) => Pick<StageSummary, 'pipeline'> {
  if (pipelines.length < 2) return () => ({});
  const byId = new Map(pipelines.map((p) => [p.id, { key: p.key, name: p.name }]));
  return (s) => {
    const pipeline = byId.get(s.pipelineId);
    return pipeline ? { pipeline } : {};
  };
}

const limitOf = (opts: QueueOptions) => Math.min(Math.max(opts.limit ?? 20, 1), 200);
