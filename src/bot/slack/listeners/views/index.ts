/**
 * Modal submissions. Slack waits 3 seconds for the acknowledgement, and nothing before it may call
 * Slack's Web API (which can itself take seconds):
 * - when everything a submission needs is already known (the person, the owner they picked), its
 *   input is checked and written before `ack`, so a mistake comes back inline on its field
 *   (`response_action: errors`) and nothing is written;
 * - when it needs Slack (a person never seen, a new owner, a message's permalink), checks that
 *   need no lookup still answer inline; then the modal closes at once and the answer follows by
 *   the response URL or a DM.
 * A submission Slack delivers again (same view id) or a message logged twice on the same deal is
 * stored once.
 */
import { createHash } from 'node:crypto';
import type { App, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../domain/index.js';
import type { DealView } from '../../../../domain/deals/deal.view.js';
import { titleSchema } from '../../../../domain/deals/deal.schema.js';
import { readAmount, workspaceAmountOptions } from '../../../commands/amount.js';
import { lostHeadline } from '../../../commands/execute.js';
import { answerModal, ANSWER_MODAL_TEXT } from '../../blocks/answer-modal.js';
import { noticeModal } from '../../blocks/notice.js';
import { replyBlocks } from '../../blocks/reply.js';
import { BLOCKS, INPUTS, stageBlockFor, VIEWS } from '../../ids.js';
import { createDealModal } from '../../blocks/modals.js';
import { isDomainError } from '../../../../domain/errors.js';
import { typedSoFar } from '../actions/pipeline-buttons.js';
import { registerStageEditorView } from './stage-editor.js';
import { isReplay } from '../../inbox.js';
import { actorOf, errorText, fieldErrors, knownActorOf, readMeta, replyOptions, type ModalMeta, type SlackDeps } from '../context.js';
import { blocksOf, date, selected, text, user } from './read.js';
import { companyChoice, COMPANY_TOO_LONG, fieldError, isUpdate, type Errors, type Lookups, type ViewArgs, type ViewKit, type Work } from './form.js';
import { registerRecordViews } from './records.js';
import { registerGateView } from './gate.js';
import { customFieldErrors, customFieldValues } from './fields.js';

/** Thrown by a lookup that would need Slack's Web API while the request is not yet acknowledged. */
class NeedsSlack extends Error {}


const AMOUNT_HINT = 'Write an amount such as 25k, $1.2M or 25,000 EUR.';

/** Field errors a form shows before anything else: the amount must read as money, the company must fit. */
function formErrors(a: ViewArgs): Errors | undefined {
  const amountText = text(a.view, 'amount');
  // Before the workspace is read: readable with either decimal mark is enough here.
  const readable = (mark: '.' | ',') => readAmount(amountText ?? '', 'USD', { decimalSeparator: mark }).kind === 'money';
  if (amountText && !readable('.') && !readable(',')) return fieldError(BLOCKS.amount, AMOUNT_HINT);
  if (companyChoice(selected(a.view, 'company')).tooLong) return fieldError(BLOCKS.company, COMPANY_TOO_LONG);
  return undefined;
}

export function registerViews(app: App, deps: SlackDeps): void {
  const beforeAck: Lookups = {
    member: async (actor, userId) => {
      const id = await deps.identity.memberFor(actor, userId);
      if (!id) throw new NeedsSlack();
      return id;
    },
    permalink: async (meta) => {
      if (meta.permalink || !meta.channelId || !meta.messageTs) return meta.permalink;
      throw new NeedsSlack();
    },
  };
  const afterAck = (client: WebClient): Lookups => ({
    member: async (actor, userId) => (await deps.identity.memberFor(actor, userId, client))!,
    permalink: (meta) => permalink(client, meta, deps),
  });

  /**
   * Runs a submission. `check` reads the form alone (no database, no Slack) and returns field
   * errors; `work` returns field errors (nothing written) or does the write and returns what to
   * tell the person afterwards.
   */
  const submit = (callbackId: string, work: Work, check: (a: ViewArgs) => Errors | undefined = () => undefined) => {
    app.view<ViewSubmitAction>(callbackId, async (args) => {
      const a = args as ViewArgs;
      const firstBlock = blocksOf(a.view)[0];
      await deps.inbox.handle(
        {
          kind: 'submission',
          // Slack's view id and what was submitted: the same submission delivered again is not run
          // twice, but a form corrected after a field error (same view id, other values) is.
          key: `slack:submission:${a.view.team_id ?? a.body.team?.id ?? ''}:${a.view.id}:${submittedHash(a.view)}`,
          body: a.body,
          context: a.context,
          ack: () => a.ack(),
          // Busy: the form stays open with the words on its first field, so nothing typed is lost.
          refuse: (text) =>
            a.ack(firstBlock ? { response_action: 'errors', errors: { [firstBlock]: text } } : { response_action: 'update', view: noticeModal(text) }),
        },
        () => (isReplay(a.context) ? afterAckPhase(a, undefined, readMeta(a.view.private_metadata)) : handleSubmission(a)),
        { acknowledges: true },
      );
    });

    /** The submission as it arrives: checked, and saved before `ack` when nothing needs Slack. */
    const handleSubmission = async (a: ViewArgs) => {
      const meta = readMeta(a.view.private_metadata);
      const checked = check(a);
      if (checked) {
        await a.ack({ response_action: 'errors', errors: checked });
        return;
      }
      let actor: Actor | undefined;
      try {
        actor = await knownActorOf(deps, a.body, a.context);
        if (actor) {
          const result = await work(a, actor, meta, beforeAck);
          if (isUpdate(result)) {
            await a.ack({ response_action: 'update', view: result.update });
            return;
          }
          if (typeof result !== 'function') {
            await a.ack({ response_action: 'errors', errors: result });
            return;
          }
          await a.ack();
          await result().catch((err: unknown) => deps.log.warn({ err }, 'could not confirm a modal submission'));
          return;
        }
      } catch (err) {
        if (!(err instanceof NeedsSlack)) {
          const errors = fieldErrors(err, blocksOf(a.view));
          if (errors) {
            await a.ack({ response_action: 'errors', errors });
          } else if (!actor) {
            // Refused (not one of the workspace's members): say it in the modal itself, since
            // someone from another organisation may not be reachable by a DM from this app.
            await a.ack({ response_action: 'update', view: noticeModal(errorText(err, deps.log)) });
          } else {
            // Not about one field: close the modal and say what happened in a message.
            await a.ack();
            await tell(a, meta, errorText(err, deps.log));
          }
          return;
        }
      }
      // Needs Slack: acknowledge first, then look up, write and answer.
      await a.ack();
      await afterAckPhase(a, actor, meta);
    };

    /** After the acknowledgement (or when finishing a submission after a restart): answers come by message. */
    const afterAckPhase = async (a: ViewArgs, actor: Actor | undefined, meta: ModalMeta) => {
      try {
        const result = await work(a, actor ?? (await actorOf(deps, a.body, a.client, a.context)), meta, afterAck(a.client));
        if (isUpdate(result)) await result.orElse();
        else if (typeof result === 'function') await result();
        else await tell(a, meta, Object.values(result).join('\n'));
      } catch (err) {
        await tell(a, meta, errorText(err, deps.log));
      }
    };
  };

  /** An answer after the modal closed: where the modal came from (its response URL), or a DM. */
  const tell = async (a: ViewArgs, meta: ModalMeta, message: string) => {
    try {
      if (await toResponseUrl(meta, { replace_original: false, text: message })) return;
      await a.client.chat.postMessage({ channel: a.body.user.id, text: message });
    } catch (err) {
      deps.log.warn({ err }, 'could not tell the person about a modal submission');
    }
  };

  const show: ViewKit['show'] = async (a, actor, meta, reply, opts) => {
    const options = await replyOptions(deps, actor);
    const underneath = (a.view as { previous_view_id?: string | null }).previous_view_id;
    if (underneath) {
      const message = replyBlocks(reply, { ...options, shareable: false });
      await a.client.views.update({ view_id: underneath, view: answerModal(opts.title, message) });
      return;
    }
    const message = replyBlocks(reply, options);
    if (await toResponseUrl(meta, { replace_original: opts.replace && !meta.keepOriginal, ...message })) return;
    if (meta.channelId) await a.client.chat.postEphemeral({ channel: meta.channelId, user: a.body.user.id, ...message });
    else await a.client.chat.postMessage({ channel: a.body.user.id, ...message });
  };

  /** Shows the deal card where the modal came from (the card's response URL), or by DM. */
  const confirm = async (a: ViewArgs, actor: Actor, meta: ModalMeta, deal: DealView, headline: string, replace: boolean) => {
    const options = await replyOptions(deps, actor);
    deps.home.refresh(a.client, actor, [a.body.user.id, deal.owner?.externalId]);
    const underneath = (a.view as { previous_view_id?: string | null }).previous_view_id;
    if (underneath) {
      // A form pushed on top of the deal's modal (opened from the App Home): that modal shows the
      // deal as it is now, with the headline, when this one closes.
      const card = replyBlocks({ kind: 'deal', deal, headline }, { ...options, shareable: false });
      await a.client.views.update({ view_id: underneath, view: answerModal(ANSWER_MODAL_TEXT.dealTitle(deal.ref), card) });
      return;
    }
    const message = replyBlocks({ kind: 'deal', deal, headline }, options);
    if (await toResponseUrl(meta, { replace_original: replace && !meta.keepOriginal, ...message })) return;
    if (meta.channelId) {
      await a.client.chat.postEphemeral({ channel: meta.channelId, user: a.body.user.id, ...message });
    } else {
      await a.client.chat.postMessage({ channel: a.body.user.id, ...message });
    }
  };

  submit(
    VIEWS.createDeal,
    async (a, actor, meta, lookups) => {
      const ws = await deps.crm.identity.getWorkspace(actor.workspaceId);
      const amountText = text(a.view, 'amount');
      const amount = amountText ? readAmount(amountText, ws.defaultCurrency, workspaceAmountOptions(ws)) : { kind: 'none' as const };
      if (amount.kind === 'invalid' || (amountText && amount.kind === 'none')) return fieldError(BLOCKS.amount, AMOUNT_HINT);
      const ownerUser = user(a.view, 'owner');
      const { tooLong, ...company } = companyChoice(selected(a.view, 'company'));
      if (tooLong) return fieldError(BLOCKS.company, COMPANY_TOO_LONG);
      // With a pipeline picker: the stage must be one of the picked pipeline's (its list follows the
      // pick; when that update did not arrive in time, the modal is drawn again for the pipeline).
      const picked = pickedPipeline(a.view);
      if (picked?.mismatch) {
        const pipelines = await deps.crm.pipelines.pipelines(actor.workspaceId);
        const name = pipelines.find((p) => p.key === picked.pipeline)?.name ?? picked.pipeline;
        const notice = `Pick a stage of ${name}: the stages shown were another pipeline’s. Nothing was created.`;
        return {
          update: createDealModal({ pipelines, pipeline: picked.pipeline, initial: typedSoFar(a.view), notice, privateMetadata: a.view.private_metadata || undefined }),
          orElse: () => tell(a, meta, notice),
        };
      }
      // Every lookup before the first write: before `ack` a lookup may stop the work to run it later.
      const ownerId = ownerUser ? await lookups.member(actor, ownerUser) : undefined;
      const fromMessage = Boolean(meta.messageTs && meta.channelId);
      const sourceUrl = fromMessage ? await lookups.permalink(meta) : undefined;
      let result;
      try {
        result = await deps.crm.deals.create(actor, {
          title: text(a.view, 'title') ?? '',
          amount: amount.kind === 'money' ? amount.money : undefined,
          stage: picked ? picked.stage : selected(a.view, 'stage'),
          ...(picked && { pipeline: picked.pipeline }),
          ownerId,
          ...company,
          closeDate: date(a.view, 'closeDate'),
          idempotencyKey: `slack:view:${a.view.id}`,
        });
      } catch (err) {
        // A stage refused (gone, or gated) goes on the stage select, whatever its block is.
        if (picked && isDomainError(err) && err.details.field === 'stage') return fieldError(picked.block, err.message);
        throw err;
      }
      const { deal, created } = result;
      if (fromMessage) {
        // "Create deal from message": the message becomes the deal's first note, with its link
        // (once, however often the submission arrives).
        await deps.crm.activities.log(actor, {
          deal: deal.id,
          type: 'note',
          body: meta.messageText ?? 'Deal created from a Slack message.',
          source: 'slack',
          sourceUrl,
          idempotencyKey: `slack:msg:${meta.channelId}:${meta.messageTs}:${deal.id}`,
        });
      }
      // An amount such as 1.500 says how it was read.
      const note = amount.kind === 'money' && amount.note ? ` ${amount.note}` : '';
      return () => confirm(a, actor, meta, deal, created ? `Created ${deal.ref}.${note}` : `${deal.ref} was already created.`, false);
    },
    (a): Errors | undefined => {
      const title = titleSchema.safeParse(text(a.view, 'title') ?? '');
      if (!title.success) return fieldError(BLOCKS.title, capitalise(title.error.issues[0]?.message ?? 'a deal needs a title'));
      return formErrors(a);
    },
  );

  submit(VIEWS.logActivity, async (a, actor, meta, lookups) => {
    const dealId = selected(a.view, 'deal');
    const contactId = selected(a.view, 'contact');
    if (!dealId && !contactId) return fieldError(BLOCKS.deal, 'Pick a deal (or a contact).');
    const target = dealId ?? contactId!;
    const fromMessage = meta.channelId && meta.messageTs;
    const sourceUrl = fromMessage ? await lookups.permalink(meta) : undefined;
    const { created } = await deps.crm.activities.log(actor, {
      deal: dealId,
      contactId,
      type: (selected(a.view, 'activityType') ?? 'note') as 'note',
      body: text(a.view, 'body') ?? '',
      source: 'slack',
      sourceUrl,
      // The same message logged on the same deal is one activity, however often it arrives.
      idempotencyKey: fromMessage ? `slack:msg:${meta.channelId}:${meta.messageTs}:${target}` : `slack:view:${a.view.id}`,
    });
    return async () => {
      if (!dealId) {
        // On the contact alone (its card's Log button): its card, with what was logged.
        const contact = await deps.crm.contacts.card(actor, contactId!);
        const type = selected(a.view, 'activityType') ?? 'note';
        const headline = created ? `Logged ${type === 'email' ? 'an email' : `a ${type}`} on ${contact.name}.` : `That was already logged on ${contact.name}.`;
        await show(a, actor, meta, { kind: 'contact', contact, headline }, { replace: false, title: 'Contact' });
        return;
      }
      const deal = await deps.crm.deals.get(actor, dealId);
      const type = selected(a.view, 'activityType') ?? 'note';
      await confirm(a, actor, meta, deal, created ? `Logged ${type === 'email' ? 'an email' : `a ${type}`} on ${deal.ref}.` : `That was already logged on ${deal.ref}.`, false);
    };
  });

  submit(VIEWS.nextAction, async (a, actor, meta) => {
    const deal = await deps.crm.deals.setNextAction(actor, meta.dealId ?? '', {
      action: text(a.view, 'nextAction') ?? '',
      due: date(a.view, 'due'),
    });
    return () => confirm(a, actor, meta, deal, `Next action set on ${deal.ref}.`, true);
  });

  submit(VIEWS.lostReason, async (a, actor, meta) => {
    // Lost already (a second submission, or someone was first): nothing changes, and it says so.
    const change = await deps.crm.deals.markLostFrom(actor, meta.dealId ?? '', text(a.view, 'reason'), undefined);
    return () => confirm(a, actor, meta, change.deal, lostHeadline(change), true);
  });

  submit(
    VIEWS.editDeal,
    async (a, actor, meta, lookups) => {
      const ws = await deps.crm.identity.getWorkspace(actor.workspaceId);
      const amountText = text(a.view, 'amount');
      const amount = amountText ? readAmount(amountText, ws.defaultCurrency, workspaceAmountOptions(ws)) : undefined;
      if (amount && amount.kind !== 'money') return fieldError(BLOCKS.amount, AMOUNT_HINT);
      const { tooLong, ...company } = companyChoice(selected(a.view, 'company'));
      if (tooLong) return fieldError(BLOCKS.company, COMPANY_TOO_LONG);
      // Every lookup before the write (people picked in person fields are made known first).
      const fields = await customFieldValues(a, actor, lookups);
      const companyName = company.companyName ?? (company.companyId ? (await deps.crm.companies.get(actor, company.companyId)).name : undefined);
      let deal: DealView;
      try {
        // The deal's own fields and its custom fields in one transaction: a value that can't be
        // read comes back on its field and nothing is written (the same value again writes nothing).
        deal = await deps.crm.deals.edit(actor, meta.dealId ?? '', {
          title: text(a.view, 'title'),
          amount: amount?.kind === 'money' ? amount.money : null,
          closeDate: date(a.view, 'closeDate') ?? null,
          ...(companyName !== undefined && { companyName }),
          ...(fields && { fields }),
        });
      } catch (err) {
        const errors = customFieldErrors(err, a);
        if (errors) return errors;
        throw err;
      }
      const note = amount?.kind === 'money' && amount.note ? ` ${amount.note}` : '';
      // The whole card, custom fields included.
      const detail = await deps.crm.deals.get(actor, deal.id);
      return () => confirm(a, actor, meta, detail, `${deal.ref} updated.${note}`, true);
    },
    formErrors,
  );

  const post: ViewKit['post'] = async (a, meta, message) => {
    if (await toResponseUrl(meta, { replace_original: false, ...message })) return;
    await a.client.chat.postMessage({ channel: a.body.user.id, ...message });
  };
  registerRecordViews({ submit, tell, show, post }, deps);
  registerGateView({ submit, tell, show, post }, deps);
  registerStageEditorView({ submit, tell, show, post }, deps);
}

/** Posts an ephemeral answer to the modal's origin (its response URL); false when there is none or it failed. */
async function toResponseUrl(meta: ModalMeta, message: Record<string, unknown>): Promise<boolean> {
  if (!meta.responseUrl) return false;
  const res = await fetch(meta.responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', ...message }),
  });
  return res.ok;
}

/** A message's permalink; undefined (logged) when Slack cannot say: the activity is kept without it. */
async function permalink(client: WebClient, meta: ModalMeta, deps: SlackDeps): Promise<string | undefined> {
  if (meta.permalink) return meta.permalink;
  if (!meta.channelId || !meta.messageTs) return undefined;
  try {
    const res = await client.chat.getPermalink({ channel: meta.channelId, message_ts: meta.messageTs });
    return res.permalink;
  } catch (err) {
    deps.log.warn({ err }, 'chat.getPermalink failed; logging without the link');
    return undefined;
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The create-deal modal's pipeline and stage when it has a pipeline picker (ids.ts,
 * stageBlockFor): the stage block says which pipeline its stages were for; `mismatch` when that is
 * not the pipeline picked. Undefined without a picker.
 */
function pickedPipeline(view: ViewOutput): { pipeline: string; stage?: string; block: string; mismatch: boolean } | undefined {
  const pipeline = selected(view, 'pipeline');
  if (!pipeline) return undefined;
  const block = blocksOf(view).find((b) => b.startsWith(stageBlockFor('')));
  const stage = block ? view.state.values[block]?.[INPUTS.stage]?.selected_option?.value || undefined : undefined;
  return { pipeline, ...(stage && { stage }), block: block ?? stageBlockFor(pipeline), mismatch: block !== undefined && block !== stageBlockFor(pipeline) };
}

/** A short digest of a submission's values: a correction resubmitted in the same view is a new request. */
function submittedHash(view: { state?: { values?: unknown } }): string {
  return createHash('sha256').update(JSON.stringify(view.state?.values ?? {})).digest('base64url').slice(0, 16);
}
