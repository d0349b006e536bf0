/** The LLM helper's commands: a follow-up email draft, a summary of a deal's or a contact's activity. */
import { parseAssistantAction } from '../../../domain/assistant/assistant.schema.js';
import type { DraftView, SummaryView } from '../../../domain/assistant/assistant.view.js';
import { searchKey } from '../../../domain/shared/text.js';
import { errorReply, type ErrorReply } from '../../messages.js';
import { defineCommand } from '../command.js';
import { REF_HELP } from '../help-topics.js';
import type { CommandContext, Reply } from '../reply.js';
import { dealRefIn, fail, LIMITS, ok, refAt, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { rawText, word } from '../grammar/tokens.js';
import { nextActionHint } from './deal-replies.js';

/** A follow-up email draft for a deal; `again` asks for a fresh one instead of the cached one. */
export interface DraftIntent { kind: 'draft'; ref: string; regenerate?: true }
/** A summary of a deal's activity, or of a contact's, found by name or email. */
export type SummaryIntent = { kind: 'summary'; ref: string; regenerate?: true } | { kind: 'summary'; contact: string };

const USAGES = {
  draft: '/deal draft <ref> [again]',
  summary: '/deal summary <ref> [again] | /deal summary contact <name or email>',
} as const;

/** Words after a draft's or summary's reference that ask for a fresh answer. */
const AGAIN = new Set(['again', 'regenerate', 'fresh']);

function parseDraft(state: ParseState): ParseOutcome<DraftIntent> {
  const r = refAt(state, 'draft', USAGES.draft);
  if ('error' in r) return r.error;
  const rest = state.tokens.slice(2);
  if (rest.length === 0) return ok({ kind: 'draft', ref: r.ref });
  if (rest.length === 1 && AGAIN.has(word(rest[0]) ?? '')) return ok({ kind: 'draft', ref: r.ref, regenerate: true });
  return fail(
    `\`/deal draft\` takes just the deal reference (and \`again\` for a fresh draft), e.g. \`/deal draft ${r.ref}\`.`,
    USAGES.draft,
  );
}

function parseSummary(state: ParseState): ParseOutcome<SummaryIntent> {
  const { tokens } = state;
  if (word(tokens[1]) === 'contact') {
    const contact = rawText(state.s, tokens, 2, tokens.length);
    if (contact === '') {
      return fail('Which contact? e.g. `/deal summary contact Ana Lopez` or `/deal summary contact ana@acme.com`.', USAGES.summary);
    }
    if (contact.length > LIMITS.query) {
      return fail(`That name is too long: keep it under ${LIMITS.query} characters.`, USAGES.summary);
    }
    return ok({ kind: 'summary', contact });
  }
  const r = refAt(state, 'summary', USAGES.summary);
  if ('error' in r) return r.error;
  const rest = tokens.slice(2);
  if (rest.length === 0) return ok({ kind: 'summary', ref: r.ref });
  if (rest.length === 1 && AGAIN.has(word(rest[0]) ?? '')) return ok({ kind: 'summary', ref: r.ref, regenerate: true });
  return fail(
    `\`/deal summary\` takes just the deal reference (and \`again\` for a fresh summary), e.g. \`/deal summary ${r.ref}\`.`,
    USAGES.summary,
  );
}

/** A reference, and at most `again`: fits precisely. */
const assistantFits = (state: ParseState): 0 | 1 | 2 =>
  dealRefIn(state.tokens[1]) === undefined ? 0 : state.tokens.length <= 3 ? 2 : 1;

export const draftCommand = defineCommand<DraftIntent>({
  kind: 'draft',
  words: ['draft'],
  group: 'Assistant',
  usage: USAGES.draft,
  summary: 'Draft a follow-up email for a deal, shown only to you. The bot never sends it.',
  example: '/deal draft D-42',
  details: [
    'Written from the deal\'s contacts, stage, next action and recent activities, citing the activities it used.',
    'Add `again` for a fresh draft instead of the saved one: `/deal draft D-42 again`.',
    'Without an AI model configured (or when it does not answer) you get a template labelled "Offline draft (no AI)".',
    'Sent it? Log it with `/deal log D-42 email <what you sent>` (in Slack: the "Log as email activity" button).',
    ...REF_HELP,
  ],
  parse: parseDraft,
  fits: assistantFits,
  async run(ctx, intent, prefix) {
    return draftReply(ctx, await ctx.crm.assistant.draft(ctx.actor, intent.ref, { regenerate: intent.regenerate }), prefix);
  },
});

export const summaryCommand = defineCommand<SummaryIntent>({
  kind: 'summary',
  words: ['summary', 'summarize', 'summarise'],
  group: 'Assistant',
  usage: USAGES.summary,
  summary: 'Summarise a deal\'s or a contact\'s activity: a few lines, open questions, a suggested next action.',
  example: '/deal summary D-42',
  details: [
    'Also `/deal summarize D-42` or `/deal summarise D-42`; add `again` for a fresh summary.',
    'A contact: `/deal summary contact Ana Lopez` (a name or an email).',
    'Accept the suggested next action with one click in Slack, or with `/deal next <ref> <action>`.',
    'Without an AI model configured (or when it does not answer) you get an extract of the activities, labelled as such.',
    ...REF_HELP,
  ],
  parse: parseSummary,
  fits: assistantFits,
  async run(ctx, intent, prefix) {
    const { crm, actor } = ctx;
    if ('contact' in intent) {
      const contact = await contactFor(ctx, intent.contact, prefix);
      if ('kind' in contact) return contact;
      return summaryReply(ctx, await crm.assistant.summarizeContact(actor, contact.id), prefix);
    }
    return summaryReply(ctx, await crm.assistant.summarizeDeal(actor, intent.ref, { regenerate: intent.regenerate }), prefix);
  },
});

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
