/**
 * The App Home tab: the person's open tasks, next actions due, deals with no next action, their
 * open deals, and a pipeline snapshot. Published when opened and republished when something of theirs changes.
 */
import type { WebClient } from '@slack/web-api';
import type { Actor, Crm } from '../../../../domain/index.js';
import { inBackground } from '../../../../background.js';
import type { Logger } from '../../../../log.js';
import { appHomeView, HOME_LIMITS } from '../../blocks/home.js';

export class HomePublisher {
  constructor(
    private readonly crm: Crm,
    private readonly log: Logger,
  ) {}

  /** Publishes the person's Home; `notice` says at the top what a button in it just did. */
  async publish(client: WebClient, actor: Actor, slackUserId: string, notice?: string): Promise<void> {
    const mine = { ownerId: actor.memberId, limit: 10 };
    const [myDeals, due, noNextAction, summary, tasks] = await Promise.all([
      this.crm.deals.list(actor, { type: 'mine' }, { pageSize: 15 }),
      this.crm.reports.nextActionsDue(actor, mine),
      this.crm.reports.withoutNextAction(actor, mine),
      this.crm.reports.pipelineSummary(actor),
      this.crm.tasks.list(actor, { type: 'mine' }, { pageSize: HOME_LIMITS.tasks }),
    ]);
    const view = appHomeView({ myDeals, due, noNextAction, summary, tasks, notice, now: this.crm.clock.now(), timeZone: actor.timeZone });
    await client.views.publish({ user_id: slackUserId, view });
  }

  /**
   * Republishes the homes of the people a change touched, in the background: a failure here is
   * logged and never reaches the person who made the change.
   */
  refresh(client: WebClient, actor: Actor, slackUserIds: (string | undefined)[]): void {
    for (const userId of new Set(slackUserIds.filter((u): u is string => Boolean(u && /^[UW][A-Z0-9]+$/.test(u))))) {
      inBackground(
        this.log,
        'republishing the App Home',
        async () => {
          const m = await this.crm.identity.findMember(actor.workspaceId, userId);
          if (m) await this.publish(client, { workspaceId: m.workspaceId, memberId: m.id, timeZone: m.timezone }, userId);
        },
        { userId },
      );
    }
  }
}
