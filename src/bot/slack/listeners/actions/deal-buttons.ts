/**
 * The buttons on deal cards, lists and the App Home. Each acknowledges first; a button's value
 * (a deal id, a list cursor) is never trusted: every lookup is scoped to the clicker's workspace.
 * Every button answers where it was clicked (kit.ts): in the message, in the modal, or from the
 * App Home in a modal; a change also republishes the Home.
 *
 * A button pressed twice acts once: Advance stage and Won carry the stage the card showed
 * (blocks/deal-value.ts) and the domain changes nothing when the deal has moved on since; the
 * clicker is told so, with the card as it stands now.
 */
import type { App } from '@slack/bolt';
import type { Actor } from '../../../../domain/index.js';
import type { DealChange } from '../../../../domain/deals/deal.service.js';
import type { DealDetailView, DealView } from '../../../../domain/deals/deal.view.js';
import { executeAssistantAction } from '../../../commands/execute.js';
import { ANSWER_MODAL_TEXT } from '../../blocks/answer-modal.js';
import { parseListCursor } from '../../blocks/cursor.js';
import { dealMessage } from '../../blocks/deal-card.js';
import { parseDealValue } from '../../blocks/deal-value.js';
import { listMessage, replyBlocks } from '../../blocks/reply.js';
import { createDealModal, editDealModal, logActivityModal, lostReasonModal, nextActionModal } from '../../blocks/modals.js';
import { customFieldInputs } from '../../blocks/fields.js';
import { gateModal } from '../../blocks/gate-modal.js';
import { DomainErrorCode, isDomainError } from '../../../../domain/errors.js';
import { sharedHint } from '../../channels.js';
import { ACTIONS, ASSISTANT_ACTIONS, isDeliveredBlock } from '../../ids.js';
import { replyOptions, writeMeta, type SlackDeps } from '../context.js';
import { actionKit, placeOf, StaleButton, STALE_BUTTON_TEXT, type ButtonArgs } from './kit.js';

export { placeOf, type ButtonPlace } from './kit.js';

/** What the clicker reads when a button changed something, or nothing. */
export const BUTTON_TEXT = {
  advanced: (d: DealView) => `${d.ref} is now in ${d.stage.name}.`,
  won: (d: DealView) => `${d.ref} is won. Nice work!`,
  /** The same click again, or someone was first. */
  unchanged: (d: DealView) =>
    d.status === 'open' ? `${d.ref} is already in ${d.stage.name}; nothing changed.` : `${d.ref} is already ${d.status}; nothing changed.`,
  /** Won on a card that shows an earlier stage than the deal is in now. */
  wonMovedOn: (d: DealView) =>
    `${d.ref} has moved to ${d.stage.name} since this card was shown; nothing changed. Press Won again if you still mean it.`,
  shareNeedsChannel: (d: DealView) =>
    `Share to channel needs a channel, and this card is not in one: type \`/deal ${d.ref}\` in the channel and share it from there.`,
  staleButton: STALE_BUTTON_TEXT,
} as const;

export function registerDealButtons(app: App, deps: SlackDeps): void {
  const { on, answer, openForm } = actionKit(app, deps);

  /** The deal card, with what happened (`headline`) or what did not (`notice`). */
  const showDeal = async (
    a: ButtonArgs,
    actor: Actor,
    deal: DealView | DealDetailView,
    what: { headline?: string; notice?: string; replace: boolean },
  ) => {
    const opts = await replyOptions(deps, actor);
    // In a modal or the Home there is no channel to share to.
    const shareable = placeOf(a.body).kind === 'message';
    const message = dealMessage(deal, { ...opts, shareable, headline: what.headline, notice: what.notice });
    await answer(a, message, { replace: what.replace, title: ANSWER_MODAL_TEXT.dealTitle(deal.ref) });
  };

  const changed = async (a: ButtonArgs, actor: Actor, result: DealChange, headline: string, notice: string) => {
    await showDeal(a, actor, result.deal, result.changed ? { headline, replace: true } : { notice, replace: true });
    if (result.changed) deps.home.refresh(a.client, actor, [a.body.user.id, result.deal.owner?.externalId]);
  };

  /** What a deal button carried; a value we could not have made is answered as out of date. */
  const valueOf = (a: ButtonArgs) => {
    const value = parseDealValue(a.action.value);
    if (!value) throw new StaleButton();
    return value;
  };
  const dealId = (a: ButtonArgs) => valueOf(a).dealId;
  /** A button on a digest or nudge: the answer must not replace the message everyone shares. */
  const keep = (a: ButtonArgs) => (isDeliveredBlock(a.action.block_id) ? { keepOriginal: true } : {});
  /** Where a modal's submission answers: the card's response URL when the button was in a message. */
  const formMeta = (a: ButtonArgs, deal: DealView) =>
    writeMeta({ dealId: deal.id, ...(placeOf(a.body).kind === 'message' && { responseUrl: a.body.response_url }), ...keep(a) });

  /** A stage gate refused the click: a modal asks for exactly what the deal lacks (views/gate.ts moves it). */
  const askGate = async (a: ButtonArgs, id: string, err: unknown) => {
    if (!isDomainError(err) || err.code !== DomainErrorCode.StageGate || !err.details.stage) throw err;
    const meta = writeMeta({ dealId: id, stageId: err.details.stage.id, ...(placeOf(a.body).kind === 'message' && { responseUrl: a.body.response_url }), ...keep(a) });
    await openForm(a, gateModal({ deal: err.details.deal ?? '', stage: err.details.stage, missing: err.details.missing ?? [], privateMetadata: meta }));
  };

  on(ACTIONS.advanceStage, async (a, actor) => {
    const { dealId: id, stage } = valueOf(a);
    let result: DealChange;
    try {
      result = await deps.crm.deals.advanceFrom(actor, id, stage);
    } catch (err) {
      await askGate(a, id, err);
      return;
    }
    await changed(a, actor, result, BUTTON_TEXT.advanced(result.deal), BUTTON_TEXT.unchanged(result.deal));
  });

  on(ACTIONS.markWon, async (a, actor) => {
    const { dealId: id, stage } = valueOf(a);
    let result: DealChange;
    try {
      result = await deps.crm.deals.markWonFrom(actor, id, stage);
    } catch (err) {
      await askGate(a, id, err);
      return;
    }
    const notice = result.deal.status === 'open' ? BUTTON_TEXT.wonMovedOn(result.deal) : BUTTON_TEXT.unchanged(result.deal);
    await changed(a, actor, result, BUTTON_TEXT.won(result.deal), notice);
  });

  on(ACTIONS.markLost, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(a, lostReasonModal({ initial: { deal }, privateMetadata: formMeta(a, deal) }));
  });

  on(ACTIONS.setNextAction, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(
      a,
      nextActionModal({
        initial: { deal, action: deal.nextAction?.text, due: deal.nextAction?.due ?? undefined },
        privateMetadata: formMeta(a, deal),
      }),
    );
  });

  on(ACTIONS.logActivity, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await openForm(a, logActivityModal({ initial: { deal, type: 'call' }, privateMetadata: formMeta(a, deal) }));
  });

  on(ACTIONS.editDeal, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    // Its custom fields too, each holding its value (a person field: their Slack user, by handle).
    const defs = await deps.crm.fields.definitions(actor.workspaceId, 'deal', { fresh: true });
    const people = new Map<string, string>();
    for (const line of deal.fields) {
      if (line.type !== 'person' || typeof line.value !== 'string') continue;
      const member = await deps.crm.identity.resolvePerson(actor.workspaceId, { handle: line.value.replace(/^@/, '') }).catch(() => undefined);
      if (member) people.set(line.key, member.externalId);
    }
    await openForm(
      a,
      editDealModal({
        initial: { title: deal.title, amount: deal.amountText, company: deal.company, closeDate: deal.expectedCloseDate },
        fields: customFieldInputs(defs, deal.fields, (line) => people.get(line.key)),
        privateMetadata: formMeta(a, deal),
      }),
    );
  });

  on(ACTIONS.shareToChannel, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    if (placeOf(a.body).kind !== 'message') {
      await showDeal(a, actor, deal, { notice: BUTTON_TEXT.shareNeedsChannel(deal), replace: true });
      return;
    }
    // For everyone in the channel: not in one shared with another organisation, unless allowed.
    await deps.channels.guard(a.client, actor.workspaceId, a.body.channel?.id ?? '', sharedHint(a.body));
    const message = replyBlocks({ kind: 'deal', deal }, { now: deps.crm.clock.now(), timeZone: actor.timeZone });
    await a.respond({ response_type: 'in_channel', replace_original: false, ...message });
  });

  on(ACTIONS.openDeal, async (a, actor) => {
    const deal = await deps.crm.deals.get(actor, dealId(a));
    await showDeal(a, actor, deal, { replace: false });
  });

  const page = async (a: ButtonArgs, actor: Actor) => {
    const cursor = parseListCursor(a.action.value);
    if (!cursor) throw new StaleButton();
    const paging = { page: cursor.page, pageSize: cursor.pageSize };
    const list =
      'scope' in cursor ? await deps.crm.deals.list(actor, cursor.scope, paging) : await deps.crm.deals.find(actor, cursor.query, paging);
    const message = listMessage(list, { now: deps.crm.clock.now(), timeZone: actor.timeZone, listSource: list.source });
    await answer(a, message, { replace: true, title: ANSWER_MODAL_TEXT.listTitle });
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
      const message = replyBlocks(reply, { ...(await replyOptions(deps, actor)), shareable: placeOf(a.body).kind === 'message' });
      const title = reply.kind === 'deal' ? ANSWER_MODAL_TEXT.dealTitle(reply.deal.ref) : ANSWER_MODAL_TEXT.otherTitle;
      await answer(a, message, { replace: false, title });
      if (reply.kind === 'deal') deps.home.refresh(a.client, actor, [a.body.user.id, reply.deal.owner?.externalId]);
    });
  }

  on(ACTIONS.newDeal, async (a, actor) => {
    const pipelines = await deps.crm.pipelines.pipelines(actor.workspaceId);
    await openForm(a, createDealModal({ pipelines, initial: { ownerUserId: a.body.user.id }, privateMetadata: writeMeta({}) }));
  });
}
