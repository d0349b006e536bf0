/**
 * Modal submissions. Input is checked before `ack`, so a mistake comes back inline on its field
 * (`response_action: errors`) and nothing is written; a submission Slack delivers again (same view
 * id) or a message logged twice on the same deal is stored once.
 */
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../../domain/index.js';
import type { DealView } from '../../../../domain/deals/deal.view.js';
import { readAmount } from '../../../commands/amount.js';
import { replyBlocks } from '../../blocks/reply.js';
import { BLOCKS, VIEWS } from '../../ids.js';
import { actorOf, errorText, fieldErrors, readMeta, replyOptions, type ModalMeta, type SlackDeps } from '../context.js';
import { blocksOf, date, selected, text, user } from './read.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Errors = Record<string, string>;

export function registerViews(app: App, deps: SlackDeps): void {
  /**
   * Runs a submission: `work` returns field errors (answered inline, nothing written) or does the
   * write and returns what to tell the person afterwards.
   */
  const submit = (callbackId: string, work: (a: ViewArgs, actor: Actor, meta: ModalMeta) => Promise<Errors | (() => Promise<void>)>) =>
    app.view<ViewSubmitAction>(callbackId, async (args) => {
      const a = args as ViewArgs;
      let after: (() => Promise<void>) | undefined;
      try {
        const actor = await actorOf(deps, a.body, a.client, a.context);
        const result = await work(a, actor, readMeta(a.view.private_metadata));
        if (typeof result !== 'function') {
          await a.ack({ response_action: 'errors', errors: result });
          return;
        }
        after = result;
      } catch (err) {
        const errors = fieldErrors(err, blocksOf(a.view));
        if (errors) {
          await a.ack({ response_action: 'errors', errors });
          return;
        }
        // Not about one field: close the modal and say what happened in a message.
        await a.ack();
        await dm(a.client, a.body.user.id, errorText(err, deps.log), deps);
        return;
      }
      await a.ack();
      await after().catch((err: unknown) => deps.log.warn({ err }, 'could not confirm a modal submission'));
    });

  /** Shows the deal card where the modal came from (the card's response URL), or by DM. */
  const confirm = async (a: ViewArgs, actor: Actor, meta: ModalMeta, deal: DealView, headline: string, replace: boolean) => {
    const message = replyBlocks({ kind: 'deal', deal, headline }, await replyOptions(deps, actor));
    deps.home.refresh(a.client, actor, [a.body.user.id, deal.owner?.externalId]);
    if (meta.responseUrl) {
      const res = await fetch(meta.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: replace && !meta.keepOriginal, ...message }),
      });
      if (res.ok) return;
    }
    if (meta.channelId) {
      await a.client.chat.postEphemeral({ channel: meta.channelId, user: a.body.user.id, ...message });
    } else {
      await a.client.chat.postMessage({ channel: a.body.user.id, ...message });
    }
  };

  submit(VIEWS.createDeal, async (a, actor, meta) => {
    const ws = await deps.crm.identity.getWorkspace(actor.workspaceId);
    const amountText = text(a.view, 'amount');
    const amount = amountText ? readAmount(amountText, ws.defaultCurrency) : { kind: 'none' as const };
    if (amount.kind === 'invalid' || (amountText && amount.kind === 'none')) {
      return { [BLOCKS.amount]: 'Write an amount such as 25k, $1.2M or 25,000 EUR.' };
    }
    const ownerUser = user(a.view, 'owner');
    const company = selected(a.view, 'company');
    const { deal, created } = await deps.crm.deals.create(actor, {
      title: text(a.view, 'title') ?? '',
      amount: amount.kind === 'money' ? amount.money : undefined,
      stage: selected(a.view, 'stage'),
      ownerId: ownerUser ? await deps.identity.memberFor(actor, ownerUser, a.client) : undefined,
      ...(company?.startsWith('new:') ? { companyName: company.slice(4) } : company ? { companyId: company } : {}),
      closeDate: date(a.view, 'closeDate'),
      idempotencyKey: `slack:view:${a.view.id}`,
    });
    if (created && meta.messageTs && meta.channelId) {
      // "Create deal from message": the message becomes the deal's first note, with its link.
      await deps.crm.activities.log(actor, {
        deal: deal.id,
        type: 'note',
        body: meta.messageText ?? 'Deal created from a Slack message.',
        source: 'slack',
        sourceUrl: meta.permalink ?? (await permalink(a.client, meta)),
        idempotencyKey: `slack:msg:${meta.channelId}:${meta.messageTs}:${deal.id}`,
      });
    }
    return () => confirm(a, actor, meta, deal, created ? `Created ${deal.ref}.` : `${deal.ref} was already created.`, false);
  });

  submit(VIEWS.logActivity, async (a, actor, meta) => {
    const dealId = selected(a.view, 'deal');
    const contactId = selected(a.view, 'contact');
    if (!dealId && !contactId) return { [BLOCKS.deal]: 'Pick a deal (or a contact).' };
    const target = dealId ?? contactId!;
    const fromMessage = meta.channelId && meta.messageTs;
    const { created } = await deps.crm.activities.log(actor, {
      deal: dealId,
      contactId,
      type: (selected(a.view, 'activityType') ?? 'note') as 'note',
      body: text(a.view, 'body') ?? '',
      source: 'slack',
      sourceUrl: fromMessage ? (meta.permalink ?? (await permalink(a.client, meta))) : undefined,
      // The same message logged on the same deal is one activity, however often it arrives.
      idempotencyKey: fromMessage ? `slack:msg:${meta.channelId}:${meta.messageTs}:${target}` : `slack:view:${a.view.id}`,
    });
    return async () => {
      if (!dealId) {
        await a.client.chat.postMessage({ channel: a.body.user.id, text: created ? 'Logged on the contact.' : 'That was already logged.' });
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
    const deal = await deps.crm.deals.markLost(actor, meta.dealId ?? '', text(a.view, 'reason'));
    return () => confirm(a, actor, meta, deal, `${deal.ref} is marked lost.`, true);
  });

  submit(VIEWS.editDeal, async (a, actor, meta) => {
    const ws = await deps.crm.identity.getWorkspace(actor.workspaceId);
    const amountText = text(a.view, 'amount');
    const amount = amountText ? readAmount(amountText, ws.defaultCurrency) : undefined;
    if (amount && amount.kind !== 'money') return { [BLOCKS.amount]: 'Write an amount such as 25k, $1.2M or 25,000 EUR.' };
    const company = selected(a.view, 'company');
    const deal = await deps.crm.deals.edit(actor, meta.dealId ?? '', {
      title: text(a.view, 'title'),
      amount: amount?.kind === 'money' ? amount.money : null,
      closeDate: date(a.view, 'closeDate') ?? null,
      ...(company?.startsWith('new:')
        ? { companyName: company.slice(4) }
        : company
          ? { companyName: (await deps.crm.companies.get(actor, company)).name }
          : {}),
    });
    return () => confirm(a, actor, meta, deal, `${deal.ref} updated.`, true);
  });

  submit(VIEWS.newContact, async (a, actor) => {
    const company = selected(a.view, 'company');
    const contact = await deps.crm.contacts.create(actor, {
      name: text(a.view, 'name') ?? '',
      email: text(a.view, 'email'),
      phone: text(a.view, 'phone'),
      title: text(a.view, 'jobTitle'),
      ...(company?.startsWith('new:') ? { companyName: company.slice(4) } : company ? { companyId: company } : {}),
    });
    return () => dm(a.client, a.body.user.id, `Added ${contact.name}${contact.company ? ` at ${contact.company.name}` : ''}.`, deps);
  });
}

async function permalink(client: WebClient, meta: ModalMeta): Promise<string | undefined> {
  if (!meta.channelId || !meta.messageTs) return undefined;
  const res = await client.chat.getPermalink({ channel: meta.channelId, message_ts: meta.messageTs });
  return res.permalink;
}

async function dm(client: WebClient, userId: string, text: string, deps: SlackDeps): Promise<void> {
  try {
    await client.chat.postMessage({ channel: userId, text });
  } catch (err) {
    deps.log.warn({ err }, 'could not send a direct message');
  }
}
