/**
 * Dialog (task module) forms: create a deal, edit a deal, log a message to the CRM. Each submit
 * button carries `dialog` (which form this is) and the little context the handler needs; inputs
 * come back under the ids in INPUTS.
 */
import type { DealDetailView, DealView } from '../../../domain/deals/deal.view.js';
import type { FieldDefinitionView } from '../../../domain/fields/field.view.js';
import { ACTIVITY_TYPES } from '../../../domain/activities/activity.schema.js';
import type { StageInfo } from '../../../domain/pipeline/pipeline.service.js';
import { formatMoney } from '../../../domain/shared/money.js';
import { CONTACT_VALUE_PREFIX, DATASETS, DIALOGS, INPUTS } from '../ids.js';
import { card, choices, inputDate, inputText, submit, text, type AdaptiveCard, type CardElement } from './parts.js';
import { escapeMarkdown, truncate } from './text.js';
import { withFittingFieldInputs, type FieldInputsOptions } from './field-inputs.js';

/** The most deals a picker lists before typing is needed (the rest are found by search). */
export const DEAL_CHOICES = 50;
/** The most contacts the Log to CRM picker lists beside the deals before typing is needed. */
export const CONTACT_CHOICES = 25;

/** A dialog as Teams wants it in a `task/fetch` or `fetchTask` answer. */
export interface DialogInfo {
  title: string;
  card: AdaptiveCard;
  width?: 'small' | 'medium' | 'large';
}

export interface CreateDealInitial {
  title?: string;
  /** A form error to show at the top (the form is shown again with what was typed). */
  error?: string;
  values?: Partial<Record<'title' | 'amount' | 'stage' | 'company' | 'closeDate' | 'pipeline', string>>;
  /**
   * The workspace's pipelines, the default first: with more than one, the dialog has a pipeline
   * picker (the default preselected) and the stage list offers every pipeline's open stages as
   * `<pipeline> · <stage>` (value `<pipeline key>:<stage key>`); none picked is the pipeline's
   * first stage. A dialog's lists can't follow each other, so the submission checks the stage is
   * the picked pipeline's (handlers/dialogs.ts).
   */
  pipelines?: { key: string; name: string; stages: Pick<StageInfo, 'key' | 'name' | 'kind'>[] }[];
}

/** The separator of a stage choice's value when the dialog offers several pipelines' stages. */
export const PIPELINE_STAGE_SEPARATOR = ':';

export function createDealDialog(stages: Pick<StageInfo, 'key' | 'name' | 'kind'>[], initial: CreateDealInitial = {}): DialogInfo {
  const v = initial.values ?? {};
  const pipelines = initial.pipelines ?? [];
  const several = pipelines.length > 1;
  const stageInputs: CardElement[] = several
    ? [
        choices(INPUTS.pipeline, {
          label: 'Pipeline',
          value: v.pipeline ?? pipelines[0]!.key,
          required: true,
          choices: pipelines.map((p) => ({ title: p.name, value: p.key })),
        }),
        choices(INPUTS.stage, {
          label: 'Stage',
          ...(v.stage !== undefined && { value: v.stage }),
          placeholder: 'The pipeline’s first stage',
          choices: pipelines.flatMap((p) =>
            p.stages.filter((s) => s.kind === 'open').map((s) => ({ title: `${p.name} · ${s.name}`, value: `${p.key}${PIPELINE_STAGE_SEPARATOR}${s.key}` })),
          ),
        }),
      ]
    : [
        choices(INPUTS.stage, {
          label: 'Stage',
          value: v.stage ?? stages.find((s) => s.kind === 'open')?.key,
          choices: stages.filter((s) => s.kind === 'open').map((s) => ({ title: s.name, value: s.key })),
        }),
      ];
  const body: CardElement[] = [
    ...errorLine(initial.error),
    inputText(INPUTS.title, { label: 'Title', value: v.title ?? initial.title, maxLength: 200, required: true, errorMessage: 'A deal needs a title.' }),
    inputText(INPUTS.amount, { label: 'Amount', value: v.amount, placeholder: '25k, $1.2M or 25,000 EUR' }),
    ...stageInputs,
    inputText(INPUTS.company, { label: 'Company', value: v.company, maxLength: 200 }),
    inputDate(INPUTS.closeDate, { label: 'Expected close', value: v.closeDate }),
  ];
  return { title: 'New deal', width: 'medium', card: card(body, [submit('Create', { dialog: DIALOGS.createDeal })]) };
}

export interface EditDealInitial {
  error?: string;
  values?: Partial<Record<'title' | 'amount' | 'company' | 'closeDate', string>>;
  /**
   * The deal's custom fields (field-inputs.ts): their definitions, the workspace's people for
   * person fields, and, when the form comes back, what was typed and the refusal under its field.
   */
  fields?: { defs: readonly FieldDefinitionView[] } & FieldInputsOptions;
}

export function editDealDialog(deal: DealView | DealDetailView, initial: EditDealInitial = {}): DialogInfo {
  const v = initial.values ?? {};
  const body: CardElement[] = [
    text(`**${escapeMarkdown(deal.ref)}**  ${escapeMarkdown(truncate(deal.title, 200))}`),
    ...errorLine(initial.error),
    inputText(INPUTS.title, { label: 'Title', value: v.title ?? deal.title, maxLength: 200, required: true, errorMessage: 'A deal needs a title.' }),
    inputText(INPUTS.amount, { label: 'Amount', value: v.amount ?? (deal.amount ? formatMoney(deal.amount) : undefined), placeholder: '25k, $1.2M or 25,000 EUR' }),
    inputText(INPUTS.company, { label: 'Company', value: v.company ?? deal.company?.name, maxLength: 200 }),
    inputDate(INPUTS.closeDate, { label: 'Expected close', value: v.closeDate ?? deal.expectedCloseDate ?? undefined }),
  ];
  const actions = [submit('Save', { dialog: DIALOGS.editDeal, dealId: deal.id })];
  const fields = initial.fields;
  // Below the deal's own fields, its custom fields, as many and as rich as a card holds.
  const built =
    fields && fields.defs.length > 0
      ? withFittingFieldInputs(fields.defs, 'fields' in deal ? deal.fields : [], fields, (inputs) => card([...body, ...inputs], actions))
      : card(body, actions);
  return { title: `Edit ${deal.ref}`, width: 'medium', card: built };
}

/** Where a logged message came from: kept in the submit button's data. */
export interface MessageOrigin {
  conversationId: string;
  messageId: string;
  link?: string;
}

export interface LogMessageInitial {
  body: string;
  deals: DealView[];
  /** Contacts it can be logged on instead of a deal. */
  contacts?: { id: string; name: string; email: string | null }[];
  origin: MessageOrigin;
  error?: string;
  values?: Partial<Record<'deal' | 'activityType' | 'body', string>>;
}

/** "Log to CRM": which deal or contact (one typeahead for both), what kind of activity, and the message's text (editable). */
export function logMessageDialog(initial: LogMessageInitial): DialogInfo {
  const v = initial.values ?? {};
  const body: CardElement[] = [
    ...errorLine(initial.error),
    {
      ...choices(INPUTS.deal, {
        label: 'Deal or contact',
        value: v.deal,
        placeholder: 'Type to search deals and contacts',
        required: true,
        errorMessage: 'Pick a deal or a contact.',
        choices: [
          ...initial.deals.slice(0, DEAL_CHOICES).map(dealChoice),
          ...(initial.contacts ?? []).slice(0, CONTACT_CHOICES).map(contactRecordChoice),
        ],
      }),
      // Teams asks the bot for more matches as the person types (an `application/search` invoke).
      'choices.data': { type: 'Data.Query', dataset: DATASETS.records },
    },
    choices(INPUTS.activityType, {
      label: 'Type',
      value: v.activityType ?? 'note',
      choices: ACTIVITY_TYPES.map((t) => ({ title: t.charAt(0).toUpperCase() + t.slice(1), value: t })),
    }),
    inputText(INPUTS.body, { label: 'Text', value: v.body ?? initial.body, multiline: true, maxLength: 4000, required: true, errorMessage: 'Say what happened.' }),
  ];
  return {
    title: 'Log to CRM',
    width: 'medium',
    card: card(body, [submit('Log', { dialog: DIALOGS.logMessage, origin: initial.origin })]),
  };
}

export const dealChoice = (d: Pick<DealView, 'id' | 'ref' | 'title'>) => ({ title: truncate(`${d.ref} ${d.title}`, 120), value: d.id });

/** A contact in a picker that also offers deals: `👤 Jane Doe (jane@acme.com)`, valued `contact:<id>`. */
export const contactRecordChoice = (c: { id: string; name: string; email: string | null }) => ({
  title: truncate(`👤 ${c.email ? `${c.name} (${c.email})` : c.name}`, 120),
  value: `${CONTACT_VALUE_PREFIX}${c.id}`,
});

function errorLine(error: string | undefined): CardElement[] {
  return error ? [text(`⚠️ ${escapeMarkdown(error)}`, { color: 'Attention' })] : [];
}
