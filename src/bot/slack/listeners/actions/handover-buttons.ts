/**
 * The admins' message about a member who left: picking a person only fills the picker; Hand over
 * hands everything the leaver owns to the picked person (the domain checks that the clicker is an
 * admin and the person may own it) and replaces the message with what happened. A second click,
 * or another admin's copy of the message, hands over nothing and says it was already done.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { totalOf } from '../../../../domain/identity/handover.service.js';
import { handoverText } from '../../../../domain/identity/handover.view.js';
import { HANDOVER_TEXT, handoverDoneMessage } from '../../blocks/handover.js';
import { HANDOVER_ACTIONS, HANDOVER_BLOCK_PREFIX } from '../../ids.js';
import type { SlackDeps } from '../context.js';
import { actionKit, StaleButton, tellError } from './kit.js';

const STALE = 'This button is out of date. Hand over with `/deal handover @person to @someone`.';
const TITLE = 'Hand-over';

/** The Slack user picked next to the button (the picker in the same actions block). */
function pickedUser(body: BlockAction<ButtonAction>, leaverId: string): string | undefined {
  const block = body.state?.values?.[`${HANDOVER_BLOCK_PREFIX}${leaverId}`];
  const picked = (block?.[HANDOVER_ACTIONS.pick] as { selected_user?: string | null } | undefined)?.selected_user;
  return picked && /^[UW][A-Z0-9]+$/.test(picked) ? picked : undefined;
}

export function registerHandoverButtons(app: App, deps: SlackDeps): void {
  const { on, answer } = actionKit(app, deps);
  app.action({ type: 'block_actions', action_id: HANDOVER_ACTIONS.pick }, async ({ ack }) => {
    await ack();
  });
  on(HANDOVER_ACTIONS.handOver, async (a, actor) => {
    const leaverId = a.action.value?.trim();
    if (!leaverId || leaverId.length > 64) throw new StaleButton(STALE);
    const picked = pickedUser(a.body, leaverId);
    if (!picked) {
      const left = await deps.crm.handover.leaverSummary(actor.workspaceId, leaverId);
      if (totalOf(left) > 0) return tellError(a, HANDOVER_TEXT.noPick, deps);
      const line = handoverText({ from: left.member, to: left.member, moved: left, changed: false });
      return answer(a, handoverDoneMessage(line, false), { replace: true, title: TITLE });
    }
    const heirId = (await deps.identity.memberFor(actor, picked, a.client))!;
    const result = await deps.crm.handover.handOver(actor, { memberId: leaverId }, { memberId: heirId });
    await answer(a, handoverDoneMessage(handoverText(result), result.changed), { replace: true, title: TITLE });
  });
}
