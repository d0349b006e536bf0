/**
 * Every identifier the Teams surface uses in two places (a card that emits it and a handler that
 * listens for it, or the app manifest and the bot), so the two can never drift apart.
 *
 * Values that travel with these ids (card `data`, dialog inputs) come back from Teams unchanged but
 * unauthenticated: every handler parses them with zod and scopes each lookup to the actor's
 * workspace.
 */
import type { AssistantAction } from '../../domain/assistant/assistant.schema.js';

/**
 * `verb`s of `Action.Execute` buttons (and the `verb` field of their `Action.Submit` fallbacks).
 * The deal buttons carry `dealId`; `advance` also carries the stage the card showed, so a
 * redelivered click never moves a deal twice.
 */
export const VERBS = {
  advanceStage: 'deal.advance',
  markWon: 'deal.won',
  markLost: 'deal.lost',
  setNextAction: 'deal.next',
  logActivity: 'deal.log',
  /** A row's "Open" in a list: posts the deal's card. */
  openDeal: 'deal.open',
  /** A digest's "Snooze 7 days" on a stale deal: off the stale lists for a week; the digest stays. */
  snoozeDeal: 'deal.snooze',
  /** List paging; the data carries the list's source and page. */
  page: 'list.page',
  /** The deal card's Contacts form: attach and detach (data: the contact ids the card showed). */
  dealContacts: 'deal.contacts',
  /** A list row's "Open", or a duplicate warning's "Use existing": the contact's or company's card. */
  openContact: 'contact.open',
  openCompany: 'company.open',
  /** The contact card's Log activity form. */
  logContact: 'contact.log',
  /** A task's Done and Snooze (data: the task's reference, and the card it is on). */
  taskDone: 'task.done',
  taskSnooze: 'task.snooze',
  /** A duplicate warning's "Create anyway": the command line that creates it regardless. */
  createAnyway: 'record.create_anyway',
  /** Paging of contact, company and task lists; the data carries the list, its scope and page. */
  recordPage: 'records.page',
  /** The admins' card about a member who left: hand what they own to the picked member (data: `leaverId`). */
  handOver: 'member.handover',
  /** A CSV's dry-run card (handlers/import.ts): Import and Cancel (data: `pending`, the pending import). */
  importConfirm: 'import.confirm',
  importCancel: 'import.cancel',
} as const;

/** Verbs of the assistant's buttons, one per action type (the data carries the action). */
export const ASSISTANT_VERBS = {
  draft: 'assistant.draft',
  summary: 'assistant.summary',
  contact_summary: 'assistant.contact_summary',
  log_draft: 'assistant.log_draft',
  accept_next_action: 'assistant.accept_next_action',
} as const satisfies Record<AssistantAction['type'], string>;

export type Verb = (typeof VERBS)[keyof typeof VERBS] | (typeof ASSISTANT_VERBS)[keyof typeof ASSISTANT_VERBS];

/** Dialogs (task modules): the `dialog` field of `task/fetch` data and of submitted forms. */
export const DIALOGS = {
  createDeal: 'deal.create',
  editDeal: 'deal.edit',
  logMessage: 'message.log',
  createContact: 'contact.create',
  editContact: 'contact.edit',
  editCompany: 'company.edit',
  /** A new task on a contact (from the contact card). */
  createTask: 'task.create',
  /** What a deal lacks to enter a gated stage; submitting gives it and moves the deal. */
  stageGate: 'deal.stage_gate',
  /** The stage editor (a pipeline card's Edit stages): every stage's name, probability and kind. */
  editStages: 'pipeline.edit_stages',
} as const;
export type DialogId = (typeof DIALOGS)[keyof typeof DIALOGS];

/** Message extension command ids: these must match app-package/manifest.json. */
export const COMMANDS = {
  /** On a message's "…" menu: log the message on a deal. */
  logToCrm: 'logToCrm',
  /** From the compose box: open the create-deal dialog. */
  newDeal: 'newDeal',
} as const;

/** `id`s of the inputs in cards and dialogs; a submission's data has these keys. */
export const INPUTS = {
  title: 'title',
  amount: 'amount',
  stage: 'stage',
  company: 'company',
  closeDate: 'closeDate',
  nextAction: 'nextAction',
  due: 'due',
  deal: 'deal',
  activityType: 'activityType',
  body: 'body',
  reason: 'reason',
  /** Contacts and companies. */
  name: 'name',
  email: 'email',
  phone: 'phone',
  /** A contact's job title (`title` is a deal's or a task's title). */
  jobTitle: 'jobTitle',
  domain: 'domain',
  /** A new task's assignee (a member id). */
  assignee: 'assignee',
  /** The deal card's multi-select of contacts (comma-separated ids). */
  contacts: 'contacts',
  /** The hand-over card's member picker (a member id). */
  handoverTo: 'handoverTo',
  /** The new-deal dialog's pipeline picker (a pipeline key), when there are several pipelines. */
  pipeline: 'pipeline',
} as const;

/** The stage editor's inputs: `stage:<stage id>:name|probability|kind`. */
export const stageEditInputId = (stageId: string, field: 'name' | 'probability' | 'kind') => `stage:${stageId}:${field}`;

/** The id of a custom field's input in a form (the deal edit dialog) is this and the field's key: `field:source`. */
export const FIELD_INPUT_PREFIX = 'field:';

/** Datasets of `Data.Query` typeaheads (`application/search` invokes). */
export const DATASETS = {
  deals: 'deals',
  contacts: 'contacts',
  /** Deals and contacts together (Log to CRM logs on either); a contact's value is `contact:<id>`. */
  records: 'records',
} as const;

/** How a contact is told from a deal in a picker that offers both (`contact:<id>`). */
export const CONTACT_VALUE_PREFIX = 'contact:';

/** Content types Teams uses for cards and invoke answers. */
export const CONTENT_TYPES = {
  adaptiveCard: 'application/vnd.microsoft.card.adaptive',
  message: 'application/vnd.microsoft.activity.message',
  error: 'application/vnd.microsoft.error',
} as const;
