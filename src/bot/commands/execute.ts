/**
 * Runs a `/deal` command for a person: parse (grammar) → domain → a reply view model that each
 * surface renders its own way. Never throws: every failure becomes an error reply.
 */
import { workspaceAmountOptions } from './amount.js';
import { DomainError, DomainErrorCode, type Crm } from '../../domain/index.js';
import type { Actor } from '../../domain/context.js';
import type { DealDetailView, DealListView, DealView } from '../../domain/deals/deal.view.js';
import type { DealChange } from '../../domain/deals/deal.service.js';
import type { DealQueueView, PipelineSummaryView } from '../../domain/reports/report.view.js';
import { parseAssistantAction } from '../../domain/assistant/assistant.schema.js';
import type { DraftView, SummaryView } from '../../domain/assistant/assistant.view.js';
import type { DigestSettingsView, DigestView, NudgeSettingsView } from '../../domain/digests/digest.view.js';
import { formatMinuteOfDay } from '../../domain/digests/schedule.js';
import { formatMoney } from '../../domain/shared/money.js';
import { searchKey } from '../../domain/shared/text.js';
import type { Logger } from '../../log.js';
import { errorReply, type ErrorReply } from '../messages.js';
import { helpText } from './help.js';
import { DEAL_REF_PATTERN, type Intent, type ParseContext } from './intent.js';
import { parseCommand } from './parse.js';

import type { CommandContext, Reply } from './reply.js';
export type { CommandContext, Reply, Surface } from './reply.js';

export async function executeCommand(ctx: CommandContext, text: string): Promise<Reply> {
  const prefix = ctx.prefix ?? '/deal';
  try {
    const parsed = parseCommand(text, await parseContext(ctx));
    if (!parsed.ok) {
      return { kind: 'error', message: withPrefix(parsed.error.message, prefix), hint: withPrefix(parsed.error.usage, prefix) };
    }
    const reply = await run(ctx, parsed.intent, prefix);
    return parsed.notes ? withNotes(reply, parsed.notes) : reply;
  } catch (err) {
    return errorReply(err, ctx.log, prefix);
  }
}

/**
 * How the grammar read the person's words (an ambiguous amount, a date in the past), shown before
 * the reply's own hint. Kept out of error replies: nothing was done.
 */
function withNotes(reply: Reply, notes: readonly string[]): Reply {
  if (reply.kind !== 'deal' && reply.kind !== 'digest' && reply.kind !== 'list') return reply;
  return { ...reply, hint: [...notes, reply.hint].filter((n): n is string => !!n).join('\n') };
}

export async function parseContext(ctx: Pick<CommandContext, 'crm' | 'actor'>): Promise<ParseContext> {
  const [ws, pipeline] = await Promise.all([
    ctx.crm.identity.getWorkspace(ctx.actor.workspaceId),
    ctx.crm.pipelines.defaultPipeline(ctx.actor.workspaceId),
  ]);
  return {
    now: ctx.crm.clock.now(),
    timeZone: ctx.actor.timeZone,
    defaultCurrency: ws.defaultCurrency,
    ...workspaceAmountOptions(ws),
    stages: pipeline.stages.flatMap((s) => [s.key, s.name.toLowerCase()]),
  };
}

async function run(ctx: CommandContext, intent: Intent, prefix: string): Promise<Reply> {
  const { crm, actor } = ctx;
  const key = ctx.deliveryId ? `${ctx.surface}:${ctx.deliveryId}` : undefined;
  switch (intent.kind) {
    case 'help':
      return { kind: 'help', text: withPrefix(helpText(intent.topic), prefix) };
    case 'new': {
      const { deal, created } = await crm.deals.create(actor, {
        title: intent.title,
        amount: intent.amount,
        stage: intent.stage,
        owner: intent.owner,
        closeDate: intent.closeDate,
        idempotencyKey: key,
      });
      return {
        kind: 'deal',
        headline: created ? `Created ${deal.ref}.` : `${deal.ref} was already created.`,
        deal,
        hint: nextActionHint(deal, prefix),
      };
    }
    case 'list': {
      const list = await crm.deals.list(actor, intent.scope);
      return {
        kind: 'list',
        list,
        hint: list.total === 0 ? `Nothing here yet. Create a deal with \`${prefix} new <title> [amount]\`.` : undefined,
      };
    }
    case 'show': {
      const noMatch: Reply = {
        kind: 'error',
        message: `No deal matches “${intent.query}”.`,
        hint: `Try fewer words, \`${prefix} list all\`, or \`${prefix} help\` for the commands.`,
      };
      // A reference (the grammar normalises it to `D-42`): its card in one load, not a search first.
      if (DEAL_REF_PATTERN.test(intent.query)) {
        const deal = await crm.deals.get(actor, intent.query).catch((err: unknown) => {
          if (err instanceof DomainError && err.code === DomainErrorCode.NotFound) return undefined;
          throw err;
        });
        return deal ? { kind: 'deal', deal, hint: nextActionHint(deal, prefix) } : noMatch;
      }
      const found = await crm.deals.find(actor, intent.query);
      const only = found.items[0];
      if (found.total === 1 && only) {
        const deal = await crm.deals.get(actor, only.id);
        return { kind: 'deal', deal, hint: nextActionHint(deal, prefix) };
      }
      return found.total === 0 ? noMatch : { kind: 'list', list: found };
    }
    case 'stage': {
      const change = await crm.deals.moveStageChange(actor, intent.ref, intent.stage);
      const { deal } = change;
      const headline =
        deal.status === 'lost'
          ? lostHeadline(change)
          : change.changed
            ? closedNote(`${deal.ref} is now in ${deal.stage.name}.`, change)
            : `${deal.ref} is already in ${deal.stage.name}. Nothing changed.`;
      return { kind: 'deal', headline, deal, hint: nextActionHint(deal, prefix) };
    }
    case 'won': {
      const change = await crm.deals.markWonFrom(actor, intent.ref, undefined);
      const { deal } = change;
      const headline = change.changed ? closedNote(`${deal.ref} is won. Nice work!`, change) : `${deal.ref} is already won. Nothing changed.`;
      return { kind: 'deal', headline, deal };
    }
    case 'lost': {
      const change = await crm.deals.markLostFrom(actor, intent.ref, intent.reason, undefined);
      return { kind: 'deal', headline: lostHeadline(change), deal: change.deal };
    }
    case 'next': {
      const deal = await crm.deals.setNextAction(actor, intent.ref, { action: intent.action, due: intent.due });
      return { kind: 'deal', headline: `Next action set on ${deal.ref}.`, deal };
    }
    case 'log': {
      const { created } = await crm.activities.log(actor, {
        deal: intent.ref,
        type: intent.type,
        body: intent.text,
        source: ctx.surface,
        idempotencyKey: key,
      });
      const deal = await crm.deals.get(actor, intent.ref);
      const what = intent.type === 'email' ? 'an email' : `a ${intent.type}`;
      return {
        kind: 'deal',
        headline: created ? `Logged ${what} on ${deal.ref}.` : `That ${intent.type} was already logged on ${deal.ref}.`,
        deal,
        hint: nextActionHint(deal, prefix),
      };
    }
    case 'assign': {
      const deal = await crm.deals.assign(actor, intent.ref, intent.owner);
      return { kind: 'deal', headline: `${deal.ref} now belongs to ${deal.owner?.displayName ?? 'nobody'}.`, deal };
    }
    case 'report': {
      const [summary, stale, due, noNextAction] = await Promise.all([
        crm.reports.pipelineSummary(actor),
        crm.reports.staleDeals(actor, { limit: 5 }),
        crm.reports.nextActionsDue(actor, { limit: 5 }),
        crm.reports.withoutNextAction(actor, { limit: 5 }),
      ]);
      return { kind: 'report', summary, stale, due, noNextAction };
    }
    case 'draft':
      return draftReply(ctx, await crm.assistant.draft(actor, intent.ref, { regenerate: intent.regenerate }), prefix);
    case 'summary': {
      if ('contact' in intent) {
        const contact = await contactFor(ctx, intent.contact, prefix);
        if ('kind' in contact) return contact;
        return summaryReply(ctx, await crm.assistant.summarizeContact(actor, contact.id), prefix);
      }
      return summaryReply(ctx, await crm.assistant.summarizeDeal(actor, intent.ref, { regenerate: intent.regenerate }), prefix);
    }
    case 'digest':
      return digestReply(ctx, intent, prefix);
    case 'nudges': {
      const { kind: _kind, ...patch } = intent;
      if (Object.keys(patch).length === 0) return { kind: 'nudges', settings: await crm.nudges.settings(actor) };
      const settings = await crm.nudges.update(actor, patch);
      return { kind: 'nudges', settings, headline: nudgeHeadline(settings) };
    }
    case 'settings':
      return settingsReply(ctx, intent, prefix);
  }
}

/** `/deal settings`: the workspace's switches, after any change (admins only change them). */
async function settingsReply(ctx: CommandContext, intent: Extract<Intent, { kind: 'settings' }>, prefix: string): Promise<Reply> {
  const { kind: _kind, ...patch } = intent;
  const changed = Object.keys(patch).length > 0;
  const s = changed ? await ctx.crm.identity.changeSettings(ctx.actor, patch) : await ctx.crm.identity.settings(ctx.actor.workspaceId);
  const onOff = (v: boolean) => (v ? 'on' : 'off');
  const text = [
    changed ? 'Settings saved.' : 'Workspace settings:',
    `• Guests: *${onOff(s.allowGuests)}*: ${s.allowGuests ? 'guest accounts may use the CRM.' : 'only the workspace’s own members may use the CRM; guests get a polite refusal.'}`,
    `• Shared channels: *${onOff(s.allowSharedChannels)}*: ${
      s.allowSharedChannels
        ? 'the bot may post deal cards and digests in channels shared with other organisations.'
        : 'the bot posts nothing everyone can read in channels shared with other organisations (answers only you see still work).'
    }`,
    `• Decimal mark: *${s.decimalMark ?? 'auto'}*: ${
      s.decimalMark === 'comma'
        ? '1.500 reads as one thousand five hundred, 1,5 as one and a half.'
        : s.decimalMark === 'point'
          ? '1,500 reads as one thousand five hundred, 1.5 as one and a half.'
          : 'amounts like 1.500 are read the way the workspace’s currency is usually written.'
    }`,
    `Change one (workspace admins): \`${prefix} settings guests on\`, \`${prefix} settings shared-channels off\`, \`${prefix} settings decimal comma\`.`,
  ].join('\n');
  return { kind: 'help', text };
}

async function digestReply(ctx: CommandContext, intent: Extract<Intent, { kind: 'digest' }>, prefix: string): Promise<Reply> {
  const { crm, actor } = ctx;
  const here = ctx.surface === 'console' ? undefined : ctx.channelId;
  const settings = async (headline?: string, hint?: string): Promise<Reply> => ({
    kind: 'digest',
    settings: await crm.digests.settings(actor, here),
    headline,
    hint,
  });
  switch (intent.action) {
    case 'show':
      return settings(undefined, here ? undefined : `Digests post to a channel: type \`${prefix} digest here\` in a Slack or Teams channel.`);
    case 'preview':
      return { kind: 'digest_preview', digest: await crm.digests.preview(actor, here) };
    case 'stale':
      await crm.digests.setStaleDays(actor, intent.days);
      return settings(`Deals with no activity for ${intent.days} days now count as stale.`);
    case 'threshold':
      await crm.digests.setStaleThreshold(actor, intent.amount);
      return settings(
        intent.amount ? `Stale deals of ${formatMoney(intent.amount)} or more now come first in digests.` : 'Stale deals are no longer sorted by amount.',
      );
    case 'off': {
      if (!here) return needsChannel(prefix);
      const removed = await crm.digests.unsubscribe(actor, here);
      return settings(removed ? 'This channel no longer gets the digest.' : 'This channel had no digest.');
    }
    case 'here': {
      if (!here || ctx.surface === 'console') return needsChannel(prefix);
      await ctx.channelGuard?.();
      const { subscription: s, created } = await crm.digests.subscribe(actor, {
        platform: ctx.surface,
        conversationId: here,
        minuteOfDay: intent.minuteOfDay,
        days: intent.days,
        whenEmpty: intent.whenEmpty,
        timeZone: intent.timeZone,
      });
      const when = `${s.days === 'daily' ? 'every day' : 'on weekdays'} at ${formatMinuteOfDay(s.minuteOfDay)} (${s.timeZone})`;
      return settings(
        created ? `This channel gets the pipeline digest ${when}.` : `Digest updated: ${when}.`,
        created && ctx.surface === 'slack' ? 'If I am not in this channel yet, add me (`/invite @deals`) so that I can post here.' : undefined,
      );
    }
  }
}

function needsChannel(prefix: string): Reply {
  return {
    kind: 'error',
    message: 'Digests post to a Slack or Teams channel, and the console has none.',
    hint: `Type \`${prefix} digest here\` in the channel that should get it; \`${prefix} digest preview\` shows one here.`,
  };
}

function nudgeHeadline(s: NudgeSettingsView): string {
  if (!s.enabled) return 'Morning nudges are off.';
  const quiet = s.quiet ? `, quiet ${s.quiet.start}–${s.quiet.end}` : '';
  return `Morning nudges on, weekdays at ${s.time} (${s.timeZone})${quiet}.`;
}

/**
 * Runs an assistant button (Draft follow-up, Summarise, Regenerate, Log as email activity, Set as
 * next action). `value` is the button's value as the platform sent it back: it is parsed against
 * the action schema, never trusted. Never throws.
 */
export async function executeAssistantAction(ctx: CommandContext, value: unknown): Promise<Reply> {
  const prefix = ctx.prefix ?? '/deal';
  const action = parseAssistantAction(value);
  if (!action) return { kind: 'error', message: 'That button no longer works. Run the command again.' };
  const { crm, actor } = ctx;
  try {
    switch (action.type) {
      case 'draft':
        return draftReply(ctx, await crm.assistant.draft(actor, action.ref, { regenerate: action.regenerate }), prefix);
      case 'summary':
        return summaryReply(ctx, await crm.assistant.summarizeDeal(actor, action.ref, { regenerate: action.regenerate }), prefix);
      case 'contact_summary':
        return summaryReply(ctx, await crm.assistant.summarizeContact(actor, action.contactId, { regenerate: action.regenerate }), prefix);
      case 'log_draft': {
        const { created } = await crm.assistant.logDraft(actor, action.ref, action.draftId, ctx.surface);
        const deal = await crm.deals.get(actor, action.ref);
        return {
          kind: 'deal',
          headline: created ? `Logged the draft as an email on ${deal.ref}.` : `That draft was already logged on ${deal.ref}.`,
          deal,
          hint: nextActionHint(deal, prefix),
        };
      }
      case 'accept_next_action': {
        const deal = await crm.assistant.acceptSuggestion(actor, action.ref, { action: action.action, due: action.due });
        return { kind: 'deal', headline: `Next action set on ${deal.ref}.`, deal };
      }
    }
  } catch (err) {
    return errorReply(err, ctx.log, prefix);
  }
}

/** Offline answers are logged with their reason (the model adapter logs the failure's details). */
function noteOffline(ctx: CommandContext, view: DraftView | SummaryView): void {
  if (view.source === 'offline' && view.offlineReason !== 'not_configured') {
    ctx.log.info({ kind: view.kind, reason: view.offlineReason }, 'assistant answered offline');
  }
}

function draftReply(ctx: CommandContext, draft: DraftView, prefix: string): Reply {
  noteOffline(ctx, draft);
  const ref = draft.deal.ref;
  return {
    kind: 'draft',
    draft,
    hint: `Sent it yourself? \`${prefix} log ${ref} email <what you sent>\`. A fresh draft: \`${prefix} draft ${ref} again\`.`,
  };
}

function summaryReply(ctx: CommandContext, summary: SummaryView, prefix: string): Reply {
  noteOffline(ctx, summary);
  const next = summary.suggestedNextAction;
  if (summary.subject.type !== 'deal') return { kind: 'summary', summary };
  const ref = summary.subject.ref;
  return {
    kind: 'summary',
    summary,
    hint: next
      ? `Accept the suggestion: \`${prefix} next ${ref} ${next.text}${next.due ? ` by ${next.due}` : ''}\``
      : `A fresh summary: \`${prefix} summary ${ref} again\``,
  };
}

/** The one contact a `summary contact <text>` means, or an error reply saying why not. */
async function contactFor(ctx: CommandContext, query: string, prefix: string): Promise<{ id: string } | ErrorReply> {
  const found = await ctx.crm.contacts.search(ctx.actor, query, 6);
  const key = searchKey(query);
  const exact = found.filter((c) => searchKey(c.name) === key || c.email === query.trim().toLowerCase());
  const only = exact.length === 1 ? exact[0] : found.length === 1 ? found[0] : undefined;
  if (only) return { id: only.id };
  if (found.length === 0) {
    return { kind: 'error', message: `No contact matches “${query}”.`, hint: `Try part of their name or their email: \`${prefix} summary contact <name or email>\`.` };
  }
  const names = found.slice(0, 5).map((c) => (c.email ? `${c.name} (${c.email})` : c.name));
  return { kind: 'error', message: `“${query}” matches several contacts: ${names.join(', ')}.`, hint: 'Use more of the name, or the email.' };
}

/** The house rule: every open deal has a next action. Say so when one is missing. */
/** Closing a deal clears its next action (a closed deal has none): the answer says which one. */
function closedNote(headline: string, { deal, before, changed }: DealChange): string {
  const cleared = changed && deal.status !== 'open' ? before.nextAction : null;
  return cleared ? `${headline} Its next action (“${cleared.text}”) is cleared.` : headline;
}

/** A deal marked lost, lost already (nothing changed), or lost already with its reason replaced (every surface's words). */
export function lostHeadline(change: DealChange): string {
  const { deal, before, changed } = change;
  if (!changed) {
    return deal.status === 'lost'
      ? `${deal.ref} is already lost (“${deal.lostReason ?? ''}”). Nothing changed.`
      : `${deal.ref} changed meanwhile and is in ${deal.stage.name}. Nothing changed.`;
  }
  if (before.status === 'lost') return `${deal.ref} was already lost; its lost reason is now “${deal.lostReason ?? ''}”.`;
  return closedNote(`${deal.ref} is marked lost.`, change);
}

function nextActionHint(deal: DealView, prefix: string): string | undefined {
  if (deal.status !== 'open' || deal.nextAction) return undefined;
  return `${deal.ref} has no next action yet: \`${prefix} next ${deal.ref} <action> by <date>\``;
}

function withPrefix(text: string, prefix: string): string {
  return prefix === '/deal' ? text : text.replaceAll('/deal', prefix);
}
