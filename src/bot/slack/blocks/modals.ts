/**
 * The CRM's modals. Every block_id, action_id and callback_id comes from ids.ts, so a submission
 * handler reads `view.state.values[BLOCKS.x][INPUTS.x]`. Builders are pure; they take what the
 * modal should start with and an opaque `privateMetadata` string the handler gets back.
 */
import type { InputBlock, InputBlockElement, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { ACTIVITY_TYPES, type ActivityType } from '../../../domain/activities/activity.schema.js';
import type { StageInfo } from '../../../domain/pipeline/pipeline.service.js';
import { BLOCKS, INPUTS, stageBlockFor, VIEWS, type InputKey } from '../ids.js';
import { escapeMrkdwn, SLACK_LIMITS, truncate } from './escape.js';
import { plain, section } from './parts.js';

export interface ModalOptions<Initial> {
  /** Returned unchanged with the submission; at most 3,000 characters (longer throws). */
  privateMetadata?: string;
  initial?: Initial;
}

export interface DealRef {
  id: string;
  ref: string;
  title: string;
}
export interface CompanyRef {
  id: string;
  name: string;
}
export interface ContactRef {
  id: string;
  name: string;
  email?: string | null;
}

/**
 * Options for the external selects; the typeahead handlers return the same shapes. The text is
 * cut to Slack's 75 characters with a visible `…`; the value is an id (or key), never cut.
 */
export const dealOption = (d: DealRef): PlainTextOption => option(`${d.ref} ${d.title}`, d.id);
export const companyOption = (c: CompanyRef): PlainTextOption => option(c.name, c.id);
export const contactOption = (c: ContactRef): PlainTextOption => option(c.email ? `${c.name} (${c.email})` : c.name, c.id);

/** The company select's value for "create a company with this name": the prefix, then the whole name. */
export const NEW_COMPANY_PREFIX = 'new:';
/** The longest name a "Create" option can carry whole: Slack's 150-character value minus the prefix (146). */
export const NEW_COMPANY_NAME_MAX = SLACK_LIMITS.optionValue - NEW_COMPANY_PREFIX.length;
/**
 * The company select's value when the typed name is too long to carry: it creates nothing. A
 * submission with it has no company id to find, so the company field gets an error.
 */
export const COMPANY_NAME_TOO_LONG = 'company_name_too_long';

/**
 * The company typeahead's "Create “name”" option. The value carries the whole name, because a
 * name cut to fit would silently become a different company. When the whole name does not fit in
 * Slack's 150-character value (a name of 147 to 200 characters), the answer is an option that
 * says so and creates nothing (`COMPANY_NAME_TOO_LONG`): the person shortens the name. Existing
 * companies with longer names are still found and picked by id.
 */
export function newCompanyOption(name: string): PlainTextOption {
  if (name.length > NEW_COMPANY_NAME_MAX) {
    return option(`Too long to create here: ${NEW_COMPANY_NAME_MAX} characters at most`, COMPANY_NAME_TOO_LONG);
  }
  return option(`Create “${name}”`, `${NEW_COMPANY_PREFIX}${name}`);
}

export interface CreateDealInitial {
  title?: string;
  /** As typed: `25k`, `$1.2M`. */
  amount?: string;
  /** A stage key; the first open stage when absent. */
  stage?: string;
  /** The owner's Slack user id. */
  ownerUserId?: string;
  company?: CompanyRef;
  /** YYYY-MM-DD. */
  closeDate?: string;
}

/** A pipeline the create-deal modal's picker offers, with its stages. */
export interface PipelineChoice {
  key: string;
  name: string;
  stages: Pick<StageInfo, 'key' | 'name' | 'kind'>[];
}

/**
 * The create-deal modal. With `pipelines` (more than one), a pipeline picker comes first (the
 * default, `pipelines[0]`, or `pipeline`, preselected); picking another one updates the modal
 * (views.update, listeners/actions/pipeline-buttons.ts) so that the stage select lists that
 * pipeline's stages, in a block of its own (`stage:<key>`, ids.ts).
 */
export function createDealModal(
  opts: ModalOptions<CreateDealInitial> & {
    stages?: Pick<StageInfo, 'key' | 'name' | 'kind'>[];
    pipelines?: PipelineChoice[];
    pipeline?: string;
    /** A line on top: why the modal came back (a stage of another pipeline was submitted). */
    notice?: string;
  },
): ModalView {
  const init = opts.initial ?? {};
  const pipelines = (opts.pipelines ?? []).slice(0, SLACK_LIMITS.staticOptions);
  const picked = pipelines.find((p) => p.key === opts.pipeline) ?? pipelines[0];
  const stages = (opts.stages ?? picked?.stages ?? []).filter((s) => s.kind === 'open').slice(0, SLACK_LIMITS.staticOptions);
  const stageOptions = stages.map((s) => option(s.name, s.key));
  const initialStage = stageOptions[Math.max(0, stages.findIndex((s) => s.key === init.stage))];
  const picker = pipelines.length > 1 && picked;
  const pipelineOptions = picker ? pipelines.map((p) => option(p.name, p.key)) : [];
  const stageInput = (): InputBlock => {
    const block = input('stage', 'Stage', { type: 'static_select', options: stageOptions, ...(initialStage && { initial_option: initialStage }) });
    return picker ? { ...block, block_id: stageBlockFor(picked.key) } : block;
  };
  return modal(VIEWS.createDeal, 'New deal', 'Create', opts.privateMetadata, [
    ...(opts.notice ? [section(`:warning: ${escapeMrkdwn(opts.notice)}`)] : []),
    input('title', 'Title', textInput({ initial: init.title, max: 200, placeholder: 'Acme renewal' })),
    input('amount', 'Amount', textInput({ initial: init.amount, max: 50, placeholder: '25k, $1.2M, EUR 25000' }), { optional: true }),
    ...(picker
      ? [
          {
            ...input('pipeline', 'Pipeline', { type: 'static_select', options: pipelineOptions, initial_option: pipelineOptions[pipelines.indexOf(picked)]! }),
            // Picking a pipeline is sent at once, so the stages can follow it.
            dispatch_action: true,
          },
        ]
      : []),
    ...(stageOptions.length ? [stageInput()] : []),
    input('owner', 'Owner', {
      type: 'users_select',
      ...(init.ownerUserId && /^[UW][A-Z0-9]+$/.test(init.ownerUserId) && { initial_user: init.ownerUserId }),
    }),
    input('company', 'Company', externalSelect('Search companies', init.company && companyOption(init.company)), { optional: true }),
    input('closeDate', 'Expected close date', datepicker(init.closeDate), { optional: true }),
  ]);
}

export interface EditDealInitial {
  title: string;
  amount?: string | null;
  company?: CompanyRef | null;
  closeDate?: string | null;
}

/** `fields`: the deal's custom fields as inputs (blocks/fields.ts, customFieldInputs), after the built-in ones. */
export function editDealModal(opts: ModalOptions<EditDealInitial> & { fields?: InputBlock[] }): ModalView {
  const init: Partial<EditDealInitial> = opts.initial ?? {};
  return modal(VIEWS.editDeal, 'Edit deal', 'Save', opts.privateMetadata, [
    input('title', 'Title', textInput({ initial: init.title, max: 200 })),
    input('amount', 'Amount', textInput({ initial: init.amount ?? undefined, max: 50, placeholder: '25k, $1.2M, EUR 25000' }), { optional: true }),
    input('company', 'Company', externalSelect('Search companies', init.company ? companyOption(init.company) : undefined), { optional: true }),
    input('closeDate', 'Expected close date', datepicker(init.closeDate ?? undefined), { optional: true }),
    ...(opts.fields ?? []),
  ]);
}

export interface LogActivityInitial {
  /** Preselected when launched from a deal card. */
  deal?: DealRef;
  contact?: ContactRef;
  type?: ActivityType;
  /** The message text when launched from the "Log to CRM" shortcut. */
  body?: string;
}

export function logActivityModal(opts: ModalOptions<LogActivityInitial>): ModalView {
  const init = opts.initial ?? {};
  // Opened on a contact (its card's Log button), the deal is optional: it is logged on the contact.
  const onContact = Boolean(init.contact && !init.deal);
  return modal(VIEWS.logActivity, 'Log activity', 'Log', opts.privateMetadata, [
    input('deal', 'Deal', externalSelect('Search by D-42 or title', init.deal && dealOption(init.deal)), { optional: onContact }),
    input('contact', 'Contact', externalSelect('Search contacts', init.contact && contactOption(init.contact)), { optional: true }),
    ...activityInputs(init),
  ]);
}

/** The activity's type and text, shared by the log-activity and "Log to CRM" modals. */
function activityInputs(init: { type?: ActivityType; body?: string }): InputBlock[] {
  const types = ACTIVITY_TYPES.map((t) => option(t.charAt(0).toUpperCase() + t.slice(1), t));
  const initialType = types[Math.max(0, ACTIVITY_TYPES.indexOf(init.type ?? 'note'))];
  return [
    input('activityType', 'Type', { type: 'static_select', options: types, ...(initialType && { initial_option: initialType }) }),
    input('body', 'What happened', textInput({ initial: init.body, max: SLACK_LIMITS.plainTextInput, multiline: true })),
  ];
}

/**
 * What "Log to CRM" logs on, picked in one typeahead: a deal (`deal:D-42`), a contact
 * (`contact:<id>`), or a deal with one of its contacts (`deal:D-42|contact:<id>`, logged on both).
 */
export type LogSubject = { deal?: string; contactId?: string };

export const SUBJECT_PREFIX = { deal: 'deal:', contact: 'contact:' } as const;

export function encodeSubject(s: LogSubject): string {
  return [s.deal && `${SUBJECT_PREFIX.deal}${s.deal}`, s.contactId && `${SUBJECT_PREFIX.contact}${s.contactId}`].filter(Boolean).join('|');
}

export function parseSubject(value: string | undefined): LogSubject | undefined {
  const out: LogSubject = {};
  for (const part of (value ?? '').split('|')) {
    if (part.startsWith(SUBJECT_PREFIX.deal) && part.length > SUBJECT_PREFIX.deal.length) out.deal = part.slice(SUBJECT_PREFIX.deal.length);
    else if (part.startsWith(SUBJECT_PREFIX.contact) && part.length > SUBJECT_PREFIX.contact.length) out.contactId = part.slice(SUBJECT_PREFIX.contact.length);
    else return undefined;
  }
  return out.deal || out.contactId ? out : undefined;
}

/** The typeahead's options: `Deal: D-42 Acme renewal`, `Contact: Jane Doe (jane@acme.com)`, `Deal + contact: D-42 Acme renewal · Jane Doe`. */
export const subjectDealOption = (d: Pick<DealRef, 'ref' | 'title'>): PlainTextOption => option(`Deal: ${d.ref} ${d.title}`, encodeSubject({ deal: d.ref }));
export const subjectContactOption = (c: ContactRef): PlainTextOption =>
  option(`Contact: ${c.email ? `${c.name} (${c.email})` : c.name}`, encodeSubject({ contactId: c.id }));
export const subjectPairOption = (d: Pick<DealRef, 'ref' | 'title'>, c: ContactRef): PlainTextOption =>
  option(`Deal + contact: ${d.ref} ${truncate(d.title, 30)} · ${c.name}`, encodeSubject({ deal: d.ref, contactId: c.id }));

/** "Log to CRM" on a message: one typeahead for what it is about, then the type and the text. */
export function logToCrmModal(opts: ModalOptions<{ body?: string; type?: ActivityType }>): ModalView {
  const init = opts.initial ?? {};
  return modal(VIEWS.logToCrm, 'Log to CRM', 'Log', opts.privateMetadata, [
    input('subject', 'Deal or contact', externalSelect('Search deals (D-42, title) or contacts')),
    ...activityInputs({ type: init.type ?? 'note', body: init.body }),
  ]);
}

export interface NextActionInitial {
  /** Shown above the form, so the person sees which deal they are editing. */
  deal?: Pick<DealRef, 'ref' | 'title'>;
  action?: string;
  /** YYYY-MM-DD. */
  due?: string;
}

export function nextActionModal(opts: ModalOptions<NextActionInitial>): ModalView {
  const init = opts.initial ?? {};
  return modal(VIEWS.nextAction, 'Set next action', 'Save', opts.privateMetadata, [
    ...dealHeading(init.deal),
    input('nextAction', 'Next action', textInput({ initial: init.action, max: 500, placeholder: 'Send the proposal' })),
    input('due', 'Due', datepicker(init.due), { optional: true }),
  ]);
}

export interface LostReasonInitial {
  deal?: Pick<DealRef, 'ref' | 'title'>;
  reason?: string;
}

export function lostReasonModal(opts: ModalOptions<LostReasonInitial>): ModalView {
  const init = opts.initial ?? {};
  return modal(VIEWS.lostReason, 'Mark deal lost', 'Mark lost', opts.privateMetadata, [
    ...dealHeading(init.deal),
    input('reason', 'Why was it lost?', textInput({ initial: init.reason, max: 500, multiline: true, placeholder: 'Went with a competitor' })),
  ]);
}

export interface NewContactInitial {
  name?: string;
  email?: string;
  phone?: string;
  jobTitle?: string;
  company?: CompanyRef;
}

export function newContactModal(opts: ModalOptions<NewContactInitial>): ModalView {
  const init = opts.initial ?? {};
  return modal(VIEWS.newContact, 'New contact', 'Add contact', opts.privateMetadata, [
    input('name', 'Name', textInput({ initial: init.name, max: 200 })),
    input('email', 'Email', { type: 'email_text_input', ...(init.email && { initial_value: truncate(init.email, 320) }) }, { optional: true }),
    input('phone', 'Phone', textInput({ initial: init.phone, max: 40, placeholder: '+1 415 555 0100' }), { optional: true }),
    input('jobTitle', 'Job title', textInput({ initial: init.jobTitle, max: 200 }), { optional: true }),
    input('company', 'Company', externalSelect('Search companies', init.company && companyOption(init.company)), { optional: true }),
  ]);
}

export interface EditContactInitial {
  name: string;
  email?: string | null;
  phone?: string | null;
  jobTitle?: string | null;
  company?: CompanyRef | null;
}

export function editContactModal(opts: ModalOptions<EditContactInitial>): ModalView {
  const init: Partial<EditContactInitial> = opts.initial ?? {};
  return modal(VIEWS.editContact, 'Edit contact', 'Save', opts.privateMetadata, [
    input('name', 'Name', textInput({ initial: init.name, max: 200 })),
    input('email', 'Email', { type: 'email_text_input', ...(init.email && { initial_value: truncate(init.email, 320) }) }, { optional: true }),
    input('phone', 'Phone', textInput({ initial: init.phone ?? undefined, max: 40, placeholder: '+1 415 555 0100' }), { optional: true }),
    input('jobTitle', 'Job title', textInput({ initial: init.jobTitle ?? undefined, max: 200 }), { optional: true }),
    input('company', 'Company', externalSelect('Search companies', init.company ? companyOption(init.company) : undefined), { optional: true }),
  ]);
}

export interface EditCompanyInitial {
  name: string;
  domain?: string | null;
}

export function editCompanyModal(opts: ModalOptions<EditCompanyInitial>): ModalView {
  const init: Partial<EditCompanyInitial> = opts.initial ?? {};
  return modal(VIEWS.editCompany, 'Edit company', 'Save', opts.privateMetadata, [
    input('name', 'Name', textInput({ initial: init.name, max: 200 })),
    input('domain', 'Web domain', textInput({ initial: init.domain ?? undefined, max: 253, placeholder: 'acme.com' }), { optional: true }),
  ]);
}

export interface NewTaskInitial {
  /** Shown above the form: who or what the task is for. */
  about?: string;
  title?: string;
  /** YYYY-MM-DD. */
  due?: string;
  /** The assignee's Slack user id (the person opening it, by default). */
  assigneeUserId?: string;
}

export function newTaskModal(opts: ModalOptions<NewTaskInitial>): ModalView {
  const init = opts.initial ?? {};
  return modal(VIEWS.newTask, 'New task', 'Create', opts.privateMetadata, [
    ...(init.about ? [section(`For *${escapeMrkdwn(truncate(init.about, 200))}*`)] : []),
    input('title', 'Task', textInput({ initial: init.title, max: 500, placeholder: 'Send the quote' })),
    input('due', 'Due', datepicker(init.due), { optional: true }),
    input('assignee', 'Assignee', {
      type: 'users_select',
      ...(init.assigneeUserId && /^[UW][A-Z0-9]+$/.test(init.assigneeUserId) && { initial_user: init.assigneeUserId }),
    }),
  ]);
}

/** A deal's contacts in one multi-select: the submission adds the new ones and takes off the removed ones. */
export function dealContactsModal(opts: ModalOptions<{ deal: Pick<DealRef, 'ref' | 'title'>; contacts: ContactRef[] }>): ModalView {
  const init = opts.initial;
  const initial = (init?.contacts ?? []).slice(0, SLACK_LIMITS.staticOptions).map(contactOption);
  return modal(VIEWS.dealContacts, 'Deal contacts', 'Save', opts.privateMetadata, [
    ...dealHeading(init?.deal),
    input(
      'contacts',
      'Contacts',
      { type: 'multi_external_select', min_query_length: 1, placeholder: plain('Search contacts', SLACK_LIMITS.placeholder), ...(initial.length && { initial_options: initial }) },
      { optional: true },
    ),
  ]);
}

/** Rejects metadata Slack would refuse: truncating JSON would only corrupt it, so this throws. */
export function checkPrivateMetadata(meta: string | undefined): string | undefined {
  if (meta !== undefined && meta.length > SLACK_LIMITS.privateMetadata) {
    throw new RangeError(`private_metadata is ${meta.length} characters; Slack allows ${SLACK_LIMITS.privateMetadata}`);
  }
  return meta;
}

function modal(callbackId: string, title: string, submit: string, meta: string | undefined, blocks: KnownBlock[]): ModalView {
  const checked = checkPrivateMetadata(meta);
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, SLACK_LIMITS.modalTitle),
    submit: plain(submit, SLACK_LIMITS.modalButton),
    close: plain('Cancel', SLACK_LIMITS.modalButton),
    ...(checked !== undefined && { private_metadata: checked }),
    blocks,
  };
}

/** An input block whose block_id is BLOCKS[key] and whose element's action_id is INPUTS[key], always. */
function input(key: InputKey, label: string, element: InputBlockElement, opts: { optional?: boolean } = {}): InputBlock {
  return {
    type: 'input',
    block_id: BLOCKS[key],
    label: plain(label, SLACK_LIMITS.inputLabel),
    element: { ...element, action_id: INPUTS[key] } as InputBlockElement,
    optional: opts.optional ?? false,
  };
}

function textInput(o: { initial?: string; max: number; multiline?: boolean; placeholder?: string }): InputBlockElement {
  return {
    type: 'plain_text_input',
    max_length: o.max,
    ...(o.multiline && { multiline: true }),
    ...(o.initial && { initial_value: truncate(o.initial, o.max) }),
    ...(o.placeholder && { placeholder: plain(o.placeholder, SLACK_LIMITS.placeholder) }),
  };
}

function externalSelect(placeholder: string, initial?: PlainTextOption): InputBlockElement {
  return {
    type: 'external_select',
    min_query_length: 1,
    placeholder: plain(placeholder, SLACK_LIMITS.placeholder),
    ...(initial && { initial_option: initial }),
  };
}

function datepicker(initial: string | undefined): InputBlockElement {
  return { type: 'datepicker', ...(initial && /^\d{4}-\d{2}-\d{2}$/.test(initial) && { initial_date: initial }) };
}

function dealHeading(deal: Pick<DealRef, 'ref' | 'title'> | undefined): KnownBlock[] {
  return deal ? [section(`*${escapeMrkdwn(deal.ref)}*  ${escapeMrkdwn(truncate(deal.title, 200))}`)] : [];
}

/** An option; a value (an id or key) over 150 characters cannot be cut without changing it, so it throws. */
function option(text: string, value: string): PlainTextOption {
  if (value.length > SLACK_LIMITS.optionValue) throw new RangeError(`option value is ${value.length} characters; Slack allows ${SLACK_LIMITS.optionValue}`);
  return { text: plain(text, SLACK_LIMITS.optionText), value };
}
