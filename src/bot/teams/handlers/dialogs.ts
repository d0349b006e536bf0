/**
 * Dialogs (task modules): create a deal and edit a deal (opened from cards), and "Log to CRM", the
 * message action on any message's "…" menu (the Teams twin of Slack's message shortcut). A form
 * with a mistake comes back with the mistake on top and what was typed kept; nothing is written.
 * A message logged twice on the same deal, however often Teams delivers the submission, is one
 * activity.
 */
import { createHash } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Actor } from '../../../domain/index.js';
import type { DealView } from '../../../domain/deals/deal.view.js';
import { ACTIVITY_TYPES } from '../../../domain/activities/activity.schema.js';
import { readAmount, workspaceAmountOptions } from '../../commands/amount.js';
import { errorReply } from '../../messages.js';
import { isDomainError } from '../../../domain/errors.js';
import {
  CONTACT_CHOICES,
  contactRecordChoice,
  createDealDialog,
  DEAL_CHOICES,
  dealChoice,
  editDealDialog,
  logMessageDialog,
  PIPELINE_STAGE_SEPARATOR,
  type DialogInfo,
  type EditDealInitial,
  type MessageOrigin,
} from '../cards/forms.js';
import { replyCard } from '../cards/reply.js';
import { PEOPLE_CHOICES, submittedFieldValues, type PersonChoice } from '../cards/field-inputs.js';
import { truncate } from '../cards/text.js';
import { CONTACT_VALUE_PREFIX, DIALOGS } from '../ids.js';
import { fetchRecordDialog, isRecordDialog, submitRecordDialog } from './record-dialogs.js';
import { fetchGateDialog, isGateDialog, submitGateDialog } from './gate-dialog.js';
import { fetchStageEditor, isStageEditorDialog, submitStageEditor } from './stage-editor.js';
import { asActivity, audienceFor, PREFIX, replyOptions, sendReply, STALE_BUTTON, type TeamsDeps } from './context.js';

/** What a submitted dialog leads to: the form again (with what went wrong), or closed with a line to show. */
export type DialogOutcome = { kind: 'again'; dialog: DialogInfo } | { kind: 'done'; message?: string };

const text = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const originSchema = z.object({
  conversationId: z.string().min(1).max(500),
  messageId: z.string().min(1).max(200),
  link: z.string().url().max(2000).optional(),
});

const dialogSchema = z.discriminatedUnion('dialog', [
  z.object({ dialog: z.literal(DIALOGS.createDeal), title: text, amount: text, stage: text, company: text, closeDate: text, pipeline: text }),
  z.object({ dialog: z.literal(DIALOGS.editDeal), dealId: z.string().min(1).max(64), title: text, amount: text, company: text, closeDate: text }),
  z.object({
    dialog: z.literal(DIALOGS.logMessage),
    origin: originSchema,
    deal: text,
    activityType: z.enum(ACTIVITY_TYPES).catch('note'),
    body: text,
  }),
]);

const AMOUNT_HELP = 'Write an amount such as 25k, $1.2M or 25,000 EUR.';

/** The dialog a card button asked for (`task/fetch`). */
export async function fetchDialog(deps: TeamsDeps, actor: Actor, data: unknown): Promise<DialogInfo | undefined> {
  if (isRecordDialog(data)) return fetchRecordDialog(deps, actor, data);
  if (isGateDialog(data)) return fetchGateDialog(deps, actor, data);
  if (isStageEditorDialog(data)) return fetchStageEditor(deps, actor, data);
  const d = z.object({ dialog: z.string(), dealId: z.string().max(64).optional() }).safeParse(data);
  if (!d.success) return undefined;
  if (d.data.dialog === DIALOGS.createDeal) {
    // Several pipelines: a picker, the default first and preselected.
    const pipelines = await deps.crm.pipelines.pipelines(actor.workspaceId);
    return createDealDialog(pipelines[0]!.stages, { pipelines });
  }
  if (d.data.dialog === DIALOGS.editDeal && d.data.dealId) return editDialog(deps, actor, d.data.dealId);
  return undefined;
}

/**
 * The deal edit dialog: the deal's own fields, then its custom fields holding their values (a
 * person field lists the workspace's people when there are few enough). `again` is what a form
 * coming back keeps: what was typed, the refusal on top or under its field.
 */
async function editDialog(
  deps: TeamsDeps,
  actor: Actor,
  dealId: string,
  again: Omit<EditDealInitial, 'fields'> & { fieldValues?: Record<string, string>; fieldErrors?: Record<string, string> } = {},
): Promise<DialogInfo> {
  const { fieldValues, fieldErrors, ...initial } = again;
  const [deal, defs] = await Promise.all([deps.crm.deals.get(actor, dealId), deps.crm.fields.definitions(actor.workspaceId, 'deal', { fresh: true })]);
  const people = defs.some((f) => f.type === 'person') ? await peopleChoices(deps, actor) : undefined;
  return editDealDialog(deal, { ...initial, fields: { defs, ...(people && { people }), ...(fieldValues && { values: fieldValues }), ...(fieldErrors && { errors: fieldErrors }) } });
}

/** The workspace's active people for a person field's picker, as `@handle`; undefined when there are too many to list. */
async function peopleChoices(deps: TeamsDeps, actor: Actor): Promise<PersonChoice[] | undefined> {
  const members = await deps.crm.identity.listMembers(actor.workspaceId);
  if (members.length > PEOPLE_CHOICES) return undefined;
  // Two people with one handle could not be told apart by it: they are typed instead.
  const handles = new Set(members.map((m) => m.handle));
  if (handles.size !== members.length) return undefined;
  return members.map((m) => ({ title: m.displayName, value: `@${m.handle}` }));
}

interface MessagePayload {
  id?: string;
  body?: { contentType?: string; content?: string };
  from?: { user?: { displayName?: string } | null; application?: { displayName?: string } | null } | null;
  linkToMessage?: string;
}

/** "Log to CRM" on a message: the dialog, prefilled with the message's text, author and link. */
export async function logMessageFetch(deps: TeamsDeps, context: TurnContext, actor: Actor, payload: MessagePayload | undefined): Promise<DialogInfo> {
  const conversationId = context.activity.conversation?.id ?? '';
  const messageId = payload?.id ?? context.activity.replyToId ?? '';
  const author = payload?.from?.user?.displayName ?? payload?.from?.application?.displayName;
  const body = messageText(payload?.body);
  const link = payload?.linkToMessage && /^https:\/\//.test(payload.linkToMessage) && payload.linkToMessage.length <= 2000 ? payload.linkToMessage : undefined;
  return logMessageDialog({
    body: truncate(author ? `${body}\n— ${author}` : body, 4000),
    ...(await logChoices(deps, actor)),
    origin: { conversationId, messageId, ...(link && { link }) },
  });
}

/** Runs a submitted dialog. Never throws for a person's mistake: the form comes back with it. */
export async function submitDialog(deps: TeamsDeps, context: TurnContext, actor: Actor, data: unknown): Promise<DialogOutcome> {
  // Contacts, companies and tasks: record-dialogs.ts.
  if (isRecordDialog(data)) return submitRecordDialog(deps, context, actor, data);
  // A stage gate's missing values, and the move: gate-dialog.ts.
  if (isGateDialog(data)) return submitGateDialog(deps, context, actor, data);
  // The stage editor: every stage's name, probability and kind, in one save (stage-editor.ts).
  if (isStageEditorDialog(data)) return submitStageEditor(deps, context, actor, data);
  const parsed = dialogSchema.safeParse(data);
  if (!parsed.success) return { kind: 'done', message: STALE_BUTTON };
  const form = parsed.data;
  const { crm } = deps;
  const again = async (error: string): Promise<DialogOutcome> => {
    switch (form.dialog) {
      case DIALOGS.createDeal: {
        const pipelines = await crm.pipelines.pipelines(actor.workspaceId);
        const values = defined({ title: form.title, amount: form.amount, stage: form.stage, company: form.company, closeDate: form.closeDate, pipeline: form.pipeline });
        return { kind: 'again', dialog: createDealDialog(pipelines[0]!.stages, { error, values, pipelines }) };
      }
      case DIALOGS.editDeal:
        return { kind: 'again', dialog: await editDialog(deps, actor, form.dealId, { error, values: defined({ title: form.title, amount: form.amount, company: form.company, closeDate: form.closeDate }), fieldValues: submittedFieldValues(data) }) };
      case DIALOGS.logMessage: {
        return { kind: 'again', dialog: logMessageDialog({ body: form.body ?? '', ...(await logChoices(deps, actor)), origin: form.origin, error, values: defined({ deal: form.deal, activityType: form.activityType }) }) };
      }
    }
  };

  try {
    switch (form.dialog) {
      case DIALOGS.createDeal: {
        const ws = await crm.identity.getWorkspace(actor.workspaceId);
        const amount = form.amount ? readAmount(form.amount, ws.defaultCurrency, workspaceAmountOptions(ws)) : undefined;
        if (amount && amount.kind !== 'money') return again(AMOUNT_HELP);
        const placed = await pipelineAndStage(deps, actor, form.pipeline, form.stage);
        if ('error' in placed) return again(placed.error);
        const { deal, created } = await crm.deals.create(actor, {
          title: form.title ?? '',
          ...(amount?.kind === 'money' && { amount: amount.money }),
          ...(placed.pipeline && { pipeline: placed.pipeline }),
          ...(placed.stage && { stage: placed.stage }),
          ...(form.company && { companyName: form.company }),
          ...(form.closeDate && { closeDate: form.closeDate }),
          ...(context.activity.id && { idempotencyKey: `teams:${context.activity.id}` }),
        });
        const reply = { kind: 'deal' as const, deal, headline: created ? `Created ${deal.ref}.` : `${deal.ref} was already created.` };
        // Into the conversation, or the person's own chat where outsiders read it.
        await sendReply(deps, context, actor, reply);
        return { kind: 'done' };
      }
      case DIALOGS.editDeal: {
        const ws = await crm.identity.getWorkspace(actor.workspaceId);
        const amount = form.amount ? readAmount(form.amount, ws.defaultCurrency, workspaceAmountOptions(ws)) : undefined;
        if (amount && amount.kind !== 'money') return again(AMOUNT_HELP);
        // The deal's own fields and its custom fields in one transaction: a value that can't be
        // read brings the dialog back with the refusal under its field, and nothing is written.
        const fields = submittedFieldValues(data);
        let edited: DealView;
        try {
          edited = await crm.deals.edit(actor, form.dealId, {
            title: form.title ?? '',
            amount: amount?.kind === 'money' ? amount.money : null,
            companyName: form.company ?? null,
            closeDate: form.closeDate ?? null,
            ...(Object.keys(fields).length > 0 && { fields }),
          });
        } catch (err) {
          const key = isDomainError(err) ? err.details.field : undefined;
          if (!key || !(key in fields)) throw err;
          const values = defined({ title: form.title, amount: form.amount, company: form.company, closeDate: form.closeDate });
          return { kind: 'again', dialog: await editDialog(deps, actor, form.dealId, { values, fieldValues: fields, fieldErrors: { [key]: errorReply(err, deps.log, PREFIX).message } }) };
        }
        // The whole card, custom fields included.
        const deal = await crm.deals.get(actor, edited.id);
        const reply = { kind: 'deal' as const, deal, headline: `${deal.ref} updated.` };
        // Opened from a deal card: that card shows the new facts (unless outsiders read the
        // conversation: then the person's own chat does); otherwise a new message does.
        if (context.activity.replyToId && (await audienceFor(deps, context, actor)).kind === 'own') {
          await context.updateActivity({ ...asActivity(replyCard(reply, await replyOptions(deps, actor))), id: context.activity.replyToId });
        } else {
          await sendReply(deps, context, actor, reply);
        }
        return { kind: 'done' };
      }
      case DIALOGS.logMessage: {
        if (!form.deal) return again('Pick a deal or a contact.');
        const what = form.activityType === 'email' ? 'an email' : `a ${form.activityType}`;
        if (form.deal.startsWith(CONTACT_VALUE_PREFIX)) {
          const contact = await crm.contacts.resolve(actor, form.deal.slice(CONTACT_VALUE_PREFIX.length));
          const { created } = await crm.activities.log(actor, {
            contactId: contact.id,
            type: form.activityType,
            body: form.body ?? '',
            source: 'teams',
            ...(form.origin.link && { sourceUrl: form.origin.link }),
            idempotencyKey: messageKey(form.origin, contact.id),
          });
          return { kind: 'done', message: created ? `Logged ${what} on ${contact.name}.` : `That message was already logged on ${contact.name}.` };
        }
        const dealId = await crm.deals.resolveId(actor, form.deal);
        const { created } = await crm.activities.log(actor, {
          deal: dealId,
          type: form.activityType,
          body: form.body ?? '',
          source: 'teams',
          ...(form.origin.link && { sourceUrl: form.origin.link }),
          // The same message logged on the same deal is one activity, however often it arrives.
          idempotencyKey: messageKey(form.origin, dealId),
        });
        const deal = await crm.deals.get(actor, dealId);
        return { kind: 'done', message: created ? `Logged ${what} on ${deal.ref} ${deal.title}.` : `That message was already logged on ${deal.ref}.` };
      }
    }
  } catch (err) {
    const reply = errorReply(err, deps.log, PREFIX);
    return again(reply.hint ? `${reply.message} ${reply.hint}` : reply.message);
  }
}

/**
 * The new-deal dialog's pipeline and stage: with several pipelines the stage comes as
 * `<pipeline key>:<stage key>`, and must be one of the picked pipeline's (a dialog's lists can't
 * follow each other); none picked is that pipeline's first stage.
 */
async function pipelineAndStage(deps: TeamsDeps, actor: Actor, pipeline: string | undefined, stage: string | undefined): Promise<{ pipeline?: string; stage?: string } | { error: string }> {
  const at = stage?.indexOf(PIPELINE_STAGE_SEPARATOR) ?? -1;
  if (!stage || at === -1) return { ...(pipeline && { pipeline }), ...(stage && { stage }) };
  const [stagePipeline, stageKey] = [stage.slice(0, at), stage.slice(at + 1)];
  if (pipeline && stagePipeline !== pipeline) {
    const all = await deps.crm.pipelines.pipelines(actor.workspaceId);
    const picked = all.find((p) => p.key === pipeline);
    const other = all.find((p) => p.key === stagePipeline);
    const stageName = other?.stages.find((s) => s.key === stageKey)?.name ?? stageKey;
    const name = picked?.name ?? pipeline;
    return { error: `${stageName} is a stage of ${other?.name ?? stagePipeline}, not ${name}: pick one of ${name}’s stages (“${name} · …”).` };
  }
  return { pipeline: pipeline ?? stagePipeline, stage: stageKey };
}

/** One key per (message, deal or contact), short whatever the length of Teams' conversation ids. */
export function messageKey(origin: MessageOrigin, recordId: string): string {
  const hash = createHash('sha256').update(`${origin.conversationId}\n${origin.messageId}`).digest('hex').slice(0, 32);
  return `teams:msg:${hash}:${recordId}`;
}

/** What the Log to CRM picker lists before typing: open deals, then contacts by name. */
async function logChoices(deps: TeamsDeps, actor: Actor) {
  const [deals, contacts] = await Promise.all([
    deps.crm.deals.list(actor, { type: 'all' }, { pageSize: DEAL_CHOICES }),
    deps.crm.contacts.list(actor, { type: 'all' }, { pageSize: CONTACT_CHOICES }),
  ]);
  return { deals: deals.items, contacts: contacts.items };
}

/** A message's text from its (HTML or text) body: tags dropped, line breaks kept, entities decoded. */
export function messageText(body: MessagePayload['body']): string {
  const content = body?.content ?? '';
  if (body?.contentType !== 'html') return content.trim();
  return content
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Teams shows at most 15 typeahead choices. */
const SEARCH_RESULTS = 15;

/** Deal choices for a dialog's picker as the person types (`application/search`). */
export async function searchDeals(deps: TeamsDeps, actor: Actor, query: string, limit = SEARCH_RESULTS): Promise<{ title: string; value: string }[]> {
  const q = query.trim();
  const list = q ? await deps.crm.deals.find(actor, q, { pageSize: limit }) : await deps.crm.deals.list(actor, { type: 'all' }, { pageSize: limit });
  return list.items.map(dealChoice);
}

/** Deals and contacts for Log to CRM's picker as the person types: deals first, then contacts, 15 in all. */
export async function searchRecords(deps: TeamsDeps, actor: Actor, query: string): Promise<{ title: string; value: string }[]> {
  const q = query.trim();
  const [deals, contacts] = await Promise.all([
    searchDeals(deps, actor, q, SEARCH_RESULTS),
    q ? deps.crm.contacts.search(actor, q, SEARCH_RESULTS) : deps.crm.contacts.list(actor, { type: 'all' }, { pageSize: SEARCH_RESULTS }).then((l) => l.items),
  ]);
  // Both kinds get a share when both match: at least a third each, the rest by what there is.
  const contactShare = Math.min(contacts.length, Math.max(SEARCH_RESULTS - deals.length, Math.floor(SEARCH_RESULTS / 3)));
  return [...deals.slice(0, SEARCH_RESULTS - contactShare), ...contacts.slice(0, contactShare).map(contactRecordChoice)];
}

function defined<T extends Record<string, string | undefined>>(o: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}
