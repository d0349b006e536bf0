/**
 * Typeahead for the external selects: deals, companies (with "create"), contacts (one, or several on
 * a deal), and "Log to CRM"'s one list of deals and contacts.
 *
 * Slack shows nothing at all unless the answer comes within 3 seconds, so every handler answers,
 * always: with what it found, or with no options when the search failed or took longer than
 * TYPEAHEAD_LIMITS.deadlineMs (the search is left to finish on its own). A query longer than any
 * name or title the CRM stores is searched by its first TYPEAHEAD_LIMITS.queryChars characters:
 * before this cap, a 300-character query made the deal search refuse it (its schema allows 200),
 * the handler threw before acknowledging, and Slack got a 404 after Bolt's 3-second wait.
 * Every answer is checked against Slack's limits for options (limits.ts) before it is sent.
 *
 * Who is typing is read from what the CRM already knows, never from Slack's Web API (the answer
 * is the acknowledgement): someone it has never seen, or who is refused, gets no options. (Anyone
 * with one of the CRM's modals open was let in when it opened.)
 */
import type { App, BlockSuggestion } from '@slack/bolt';
import type { PlainTextOption } from '@slack/types';
import { searchKey } from '../../../../domain/shared/text.js';
import { blockKitViolations, SLACK_LIMITS } from '../../blocks/limits.js';
import { companyOption, contactOption, dealOption, newCompanyOption, subjectContactOption, subjectDealOption, subjectPairOption } from '../../blocks/modals.js';
import { ACTIONS, INPUTS } from '../../ids.js';
import type { Actor } from '../../../../domain/index.js';
import { knownActorOf, type SlackDeps } from '../context.js';

export const TYPEAHEAD_LIMITS = {
  /** Characters of a query that are searched: the longest title or name the CRM stores (200). */
  queryChars: 200,
  /** Options per answer (Slack allows 100; a typeahead shows a handful). */
  results: 20,
  /** Answer with no options after this long: well inside Slack's 3 seconds, network included. */
  deadlineMs: 2000,
  /** "Log to CRM": deals and contacts found, each. */
  subjectEach: 8,
  /** "Log to CRM": how many of the deals and contacts found are paired with their contacts and deals. */
  subjectPairsOf: 3,
} as const;

type Ack = (answer: { options: PlainTextOption[] }) => Promise<void>;

export function registerOptions(app: App, deps: SlackDeps): void {
  /** The typing person, known without Slack's API; undefined (no options) otherwise. */
  const typist = (body: unknown, context: { teamId?: string; userId?: string }): Promise<Actor | undefined> => knownActorOf(deps, body, context);

  app.options<'block_suggestion'>({ action_id: INPUTS.deal }, async ({ ack, body, context }) => {
    await answer(deps, ack, INPUTS.deal, async () => {
      const actor = await typist(body, context);
      if (!actor) return [];
      const q = query(body);
      const page = { pageSize: TYPEAHEAD_LIMITS.results };
      const list = q ? await deps.crm.deals.find(actor, q, page) : await deps.crm.deals.list(actor, { type: 'mine' }, page);
      return list.items.map(dealOption);
    });
  });

  app.options<'block_suggestion'>({ action_id: INPUTS.company }, async ({ ack, body, context }) => {
    await answer(deps, ack, INPUTS.company, async () => {
      const actor = await typist(body, context);
      if (!actor) return [];
      const typed = (body as BlockSuggestion).value.trim();
      const companies = await deps.crm.companies.search(actor, query(body), TYPEAHEAD_LIMITS.results);
      // "Create" only for a name not already there; it carries the whole name as typed, never a cut one.
      const exact = companies.some((c) => searchKey(c.name) === searchKey(typed));
      return [...companies.map(companyOption), ...(typed && !exact ? [newCompanyOption(typed)] : [])];
    });
  });

  // One contact (the log-activity modal), several (a deal's contacts, in a modal or on the deal card).
  for (const actionId of [INPUTS.contact, INPUTS.contacts, ACTIONS.dealContacts]) {
    app.options<'block_suggestion'>({ action_id: actionId }, async ({ ack, body, context }) => {
      await answer(deps, ack, actionId, async () => {
        const actor = await typist(body, context);
        if (!actor) return [];
        const contacts = await deps.crm.contacts.search(actor, query(body), TYPEAHEAD_LIMITS.results);
        return contacts.map(contactOption);
      });
    });
  }

  /**
   * "Log to CRM": deals and contacts in one list ("Deal: D-42 Acme renewal", "Contact: Jane Doe
   * (jane@acme.com)"), then each deal found with each of its contacts, and each contact found with
   * each of their open deals ("Deal + contact: …", logged on both).
   */
  app.options<'block_suggestion'>({ action_id: INPUTS.subject }, async ({ ack, body, context }) => {
    await answer(deps, ack, INPUTS.subject, async () => {
      const actor = await typist(body, context);
      if (!actor) return [];
      const q = query(body);
      if (!q) return [];
      const each = TYPEAHEAD_LIMITS.subjectEach;
      const [deals, contacts] = await Promise.all([deps.crm.deals.find(actor, q, { pageSize: each }), deps.crm.contacts.search(actor, q, each)]);
      const [dealDetails, contactCards] = await Promise.all([
        Promise.all(deals.items.slice(0, TYPEAHEAD_LIMITS.subjectPairsOf).map((d) => deps.crm.deals.get(actor, d.id, 0))),
        Promise.all(contacts.slice(0, TYPEAHEAD_LIMITS.subjectPairsOf).map((c) => deps.crm.contacts.card(actor, c.id))),
      ]);
      const pairs = new Map<string, PlainTextOption>();
      for (const d of dealDetails) for (const c of d.contacts) pairs.set(`${d.id}:${c.id}`, subjectPairOption(d, c));
      for (const c of contactCards) for (const d of c.openDeals) pairs.set(`${d.id}:${c.id}`, subjectPairOption(d, c));
      return [...deals.items.map(subjectDealOption), ...contacts.map(subjectContactOption), ...pairs.values()].slice(0, TYPEAHEAD_LIMITS.results);
    });
  });
}

/** What was typed, trimmed, at most TYPEAHEAD_LIMITS.queryChars characters (never half an emoji). */
function query(body: unknown): string {
  const typed = String((body as BlockSuggestion).value ?? '').trim();
  if (typed.length <= TYPEAHEAD_LIMITS.queryChars) return typed;
  const cut = typed.slice(0, TYPEAHEAD_LIMITS.queryChars);
  const last = cut.charCodeAt(cut.length - 1);
  return (last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut).trim();
}

/** Acknowledges with `search`'s options, or with none on an error or after the deadline. */
async function answer(deps: SlackDeps, ack: Ack, actionId: string, search: () => Promise<PlainTextOption[]>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<PlainTextOption[]>((resolve) => {
    timer = setTimeout(() => {
      deps.log.warn({ actionId, ms: TYPEAHEAD_LIMITS.deadlineMs }, 'slack typeahead: no answer in time, answering with no options');
      resolve([]);
    }, TYPEAHEAD_LIMITS.deadlineMs);
  });
  const found = search().catch((err: unknown) => {
    deps.log.warn({ err, actionId }, 'slack typeahead failed, answering with no options');
    return [] as PlainTextOption[];
  });
  const options = await Promise.race([found, late]).finally(() => clearTimeout(timer));
  await ack({ options: withinLimits(deps, actionId, options) });
}

/** At most Slack's 100 options, each within its limits; one that is not is left out and logged (a bug). */
function withinLimits(deps: SlackDeps, actionId: string, options: PlainTextOption[]): PlainTextOption[] {
  return options.slice(0, SLACK_LIMITS.externalOptions).filter((o) => {
    const broken = blockKitViolations('options', { options: [o] });
    if (broken.length) deps.log.error({ actionId, broken }, 'slack typeahead: an option breaks Slack’s limits; left out');
    return broken.length === 0;
  });
}
