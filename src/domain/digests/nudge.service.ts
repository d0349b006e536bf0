/**
 * The morning nudge: one direct message per owner and working day with their open deals that
 * have no next action, their next actions due or overdue, and their other tasks due or overdue
 * (the ones not already shown as one of their deals' next actions). Settings are per person.
 */
import type { Member } from '../../generated/sqlite/client.js';
import { inTransaction, type Actor, type DomainDeps } from '../context.js';
import type { ReportService } from '../reports/report.service.js';
import type { TaskService } from '../tasks/task.service.js';
import { parseInput } from '../shared/validate.js';
import { nudgeSettingsSchema, type NudgeSettingsInput } from './digest.schema.js';
import type { NudgeSettingsView, NudgeView } from './digest.view.js';
import { formatMinuteOfDay } from './schedule.js';

export const NUDGE_LIMITS = { noNextAction: 8, due: 8, tasksDue: 8 } as const;

export class NudgeService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly reports: ReportService,
    private readonly tasks?: TaskService,
  ) {}

  async settings(actor: Actor): Promise<NudgeSettingsView> {
    const m = await this.deps.db.member.findFirstOrThrow({ where: { id: actor.memberId, workspaceId: actor.workspaceId } });
    return settingsView(m);
  }

  async update(actor: Actor, input: NudgeSettingsInput): Promise<NudgeSettingsView> {
    const data = parseInput(nudgeSettingsSchema, input);
    const quiet = data.quiet === undefined ? {} : data.quiet === null ? { quietStartMinute: 0, quietEndMinute: 0 } : { quietStartMinute: data.quiet.start, quietEndMinute: data.quiet.end };
    const m = await inTransaction(this.deps.db, async (tx) => {
      await tx.member.findFirstOrThrow({ where: { id: actor.memberId, workspaceId: actor.workspaceId }, select: { id: true } });
      return tx.member.update({
        where: { id: actor.memberId },
        data: {
          ...(data.enabled !== undefined && { nudgesEnabled: data.enabled }),
          ...(data.minuteOfDay !== undefined && { nudgeMinute: data.minuteOfDay }),
          ...quiet,
        },
      });
    });
    return settingsView(m);
  }

  /** The member's nudge for `date`, or null when they have nothing to do. */
  async build(member: Pick<Member, 'id' | 'workspaceId' | 'displayName' | 'externalId' | 'timezone'>, date: string): Promise<NudgeView | null> {
    const actor: Actor = { workspaceId: member.workspaceId, memberId: member.id, timeZone: member.timezone };
    const mine = { ownerId: member.id };
    const [noNextAction, due, tasksDue] = await Promise.all([
      this.reports.withoutNextAction(actor, { ...mine, limit: NUDGE_LIMITS.noNextAction }),
      this.reports.nextActionsDue(actor, { ...mine, limit: NUDGE_LIMITS.due }),
      this.tasks ? this.tasks.dueForNudge(actor, NUDGE_LIMITS.tasksDue) : undefined,
    ]);
    if (noNextAction.total === 0 && due.total === 0 && (tasksDue?.total ?? 0) === 0) return null;
    return {
      member: { id: member.id, displayName: member.displayName, externalId: member.externalId, timeZone: member.timezone },
      date,
      generatedAt: this.deps.clock.now(),
      noNextAction: { items: noNextAction.items, total: noNextAction.total, totalCapped: noNextAction.totalCapped },
      due: { items: due.items, total: due.total, totalCapped: due.totalCapped },
      ...(tasksDue && { tasksDue }),
    };
  }
}

function settingsView(m: Member): NudgeSettingsView {
  return {
    enabled: m.nudgesEnabled,
    minuteOfDay: m.nudgeMinute,
    time: formatMinuteOfDay(m.nudgeMinute),
    quiet: m.quietStartMinute === m.quietEndMinute ? null : { start: formatMinuteOfDay(m.quietStartMinute), end: formatMinuteOfDay(m.quietEndMinute) },
    timeZone: m.timezone,
  };
}
