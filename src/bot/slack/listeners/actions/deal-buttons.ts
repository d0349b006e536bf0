/**
 * The buttons on deal cards, lists and the App Home. Each acknowledges first; a button's value
 * (a deal id, a list cursor) is never trusted: every lookup is scoped to the clicker's workspace.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../domain/index.js';
import type { DealView } from '../../../../domain/deals/deal.view.js';
import { executeAssistantAction, type Reply } from '../../../commands/execute.js';
import { parseListCursor } from '../../blocks/cursor.js';
import { listMessage, replyBlocks } from '../../blocks/reply.js';
import { createDealModal, editDealModal, logActivityModal, lostReasonModal, nextActionModal } from '../../blocks/modals.js';
import { ACTIONS, ASSISTANT_ACTIONS, isDeliveredBlock } from '../../ids.js';
import { actorOf, errorText, replyOptions, writeMeta, type SlackDeps } from '../context.js';

type ButtonArgs = {
  ack: () => Promise<void>;
  body: BlockAction;
  action: ButtonAction;
  client: WebClient;
  respond: (msg: Record<string, unknown>) => Promise<unknown>;
  context: { teamId?: string; userId?: string };
};

export function registerDealButtons(app: App, deps: SlackDeps): void {
  const on = (actionId: string, handler: (args: ButtonArgs, actor: Actor) => Promise<void>) => {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionId }, async (args) => {
      await args.ack();
      const a = args as unknown as ButtonArgs;
      try {
        const actor = await actorOf(deps, a.body, a.client, a.context);
        await handler(a, actor);
      } catch (err) {
        await tell(a, { kind: 'error', message: errorText(err, deps.log) }, deps);
      }
    });
  };

  /** Answers in place: replaces the card that was clicked, or refreshes the App Home. */
  const show = async (a: ButtonArgs, actor: Actor, reply: Reply, opts: { replace: boolean }) => {
    if (a.body.response_url) {
      await a.respond({
        response_type: 'ephemeral',
        replace_original: opts.replace,
        ...replyBlocks(reply, await replyOptions(deps, actor)),
      });
    }
  };
  const changed = async (a: ButtonArgs, actor: Actor, deal: DealView, headline: string) => {
    await show(a, actor, { kind: 'deal', deal, headline }, { replace: true });
    deps.home.refresh(a.client, actor, [a.body.user.id, deal.owner?.externalId]);
  };
  const dealId = (a: ButtonArgs) => a.action.value ?? '';
  /** A button on a digest or nudge: the answer must not replace the message everyone shares. */
  const keep = (a: ButtonArgs) => (isDeliveredBlock(a.action.block_id) ? { keepOriginal: true } : {});

  on(ACTIONS.advanceStage, async (a, actor) => {
    const deal = await deps.crm.deals.advance(actor, dealId(a));
    await changed(a, actor, deal, `${deal.ref} is now in ${deal.stage.name}.`);
  });

  on(ACTIONS.markWon, async (a, actor) => {
    const deal = await deps.crm.deals.markWon(actor, dealId(a));
    await changed(a, actor, deal, `${deal.ref} is won. Nice work!`);
  });

  on(ACTIONS.markLost, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await a.client.views.open({
      trigger_id: a.body.trigger_id,
      view: lostReasonModal({
        initial: { deal },
        privateMetadata: writeMeta({ dealId: deal.id, responseUrl: a.body.response_url, ...keep(a) }),
      }),
    });
  });

  on(ACTIONS.setNextAction, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await a.client.views.open({
      trigger_id: a.body.trigger_id,
      view: nextActionModal({
        initial: { deal, action: deal.nextAction?.text, due: deal.nextAction?.due ?? undefined },
        privateMetadata: writeMeta({ dealId: deal.id, responseUrl: a.body.response_url, ...keep(a) }),
      }),
    });
  });

  on(ACTIONS.logActivity, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await a.client.views.open({
      trigger_id: a.body.trigger_id,
      view: logActivityModal({
        initial: { deal, type: 'call' },
        privateMetadata: writeMeta({ dealId: deal.id, responseUrl: a.body.response_url, ...keep(a) }),
      }),
    });
  });

  on(ACTIONS.editDeal, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await a.client.views.open({
      trigger_id: a.body.trigger_id,
      view: editDealModal({
        initial: { title: deal.title, amount: deal.amountText, company: deal.company, closeDate: deal.expectedCloseDate },
        privateMetadata: writeMeta({ dealId: deal.id, responseUrl: a.body.response_url, ...keep(a) }),
      }),
    });
  });

  on(ACTIONS.shareToChannel, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    const message = replyBlocks({ kind: 'deal', deal }, { now: deps.crm.clock.now(), timeZone: actor.timeZone });
    await a.respond({ response_type: 'in_channel', replace_original: false, ...message });
  });

  on(ACTIONS.openDeal, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await show(a, actor, { kind: 'deal', deal }, { replace: false });
  });

  const page = async (a: ButtonArgs, actor: Actor) => {
    const cursor = parseListCursor(a.action.value);
    if (!cursor) return;
    const paging = { page: cursor.page, pageSize: cursor.pageSize };
    const list =
      'scope' in cursor ? await deps.crm.deals.list(actor, cursor.scope, paging) : await deps.crm.deals.find(actor, cursor.query, paging);
    await a.respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...listMessage(list, { now: deps.crm.clock.now(), timeZone: actor.timeZone, listSource: list.source }),
    });
  };
  on(ACTIONS.pageNext, page);
  on(ACTIONS.pagePrev, page);

  // Draft follow-up, Summarise, Regenerate, Log as email activity, Set as next action: the value
  // is parsed by the executor, never trusted; answers go only to the person who clicked.
  for (const actionId of Object.values(ASSISTANT_ACTIONS)) {
    on(actionId, async (a, actor) => {
      const reply = await executeAssistantAction(
        { crm: deps.crm, actor, surface: 'slack', log: deps.log, deliveryId: `${a.body.team?.id}:${a.body.trigger_id}` },
        a.action.value,
      );
      await show(a, actor, reply, { replace: false });
      if (reply.kind === 'deal') deps.home.refresh(a.client, actor, [a.body.user.id, reply.deal.owner?.externalId]);
    });
  }

  on(ACTIONS.newDeal, async (a, actor) => {
    const { stages } = await deps.crm.pipelines.defaultPipeline(actor.workspaceId);
    await a.client.views.open({
      trigger_id: a.body.trigger_id,
      view: createDealModal({ stages, initial: { ownerUserId: a.body.user.id }, privateMetadata: writeMeta({}) }),
    });
  });
}

async function tell(a: ButtonArgs, reply: Extract<Reply, { kind: 'error' }>, deps: SlackDeps): Promise<void> {
  try {
    if (a.body.response_url) {
      await a.respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...replyBlocks(reply, { now: deps.crm.clock.now(), timeZone: 'UTC' }),
      });
    } else if (a.body.user?.id) {
      // App Home buttons have no response URL: a DM from the app is the place for the answer.
      await a.client.chat.postMessage({ channel: a.body.user.id, text: reply.message });
    }
  } catch (err) {
    deps.log.warn({ err }, 'could not tell the person about an error');
  }
}

