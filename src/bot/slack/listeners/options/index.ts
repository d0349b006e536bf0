/** Typeahead for the modals' external selects: deals, companies (with "create"), contacts. */
import type { App, BlockSuggestion } from '@slack/bolt';
import { companyOption, contactOption, dealOption } from '../../blocks/modals.js';
import { INPUTS } from '../../ids.js';
import { actorOf, type SlackDeps } from '../context.js';

export function registerOptions(app: App, deps: SlackDeps): void {
  app.options<'block_suggestion'>({ action_id: INPUTS.deal }, async ({ ack, body, client, context }) => {
    const actor = await actorOf(deps, body, client, context);
    const q = (body as BlockSuggestion).value.trim();
    const list = q ? await deps.crm.deals.find(actor, q, { pageSize: 20 }) : await deps.crm.deals.list(actor, { type: 'mine' }, { pageSize: 20 });
    await ack({ options: list.items.map(dealOption) });
  });

  app.options<'block_suggestion'>({ action_id: INPUTS.company }, async ({ ack, body, client, context }) => {
    const actor = await actorOf(deps, body, client, context);
    const q = (body as BlockSuggestion).value.trim().slice(0, 150);
    const companies = await deps.crm.companies.search(actor, q, 20);
    const exact = companies.some((c) => c.name.toLowerCase() === q.toLowerCase());
    const create = q && !exact ? [{ text: { type: 'plain_text' as const, text: `Create “${q.slice(0, 60)}”` }, value: `new:${q}` }] : [];
    await ack({ options: [...companies.map(companyOption), ...create] });
  });

  app.options<'block_suggestion'>({ action_id: INPUTS.contact }, async ({ ack, body, client, context }) => {
    const actor = await actorOf(deps, body, client, context);
    const contacts = await deps.crm.contacts.search(actor, (body as BlockSuggestion).value, 20);
    await ack({ options: contacts.map(contactOption) });
  });
}
