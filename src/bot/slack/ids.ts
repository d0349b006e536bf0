/**
 * Every identifier the Slack surface uses in two places (a renderer that emits it and a handler
 * that listens for it) lives here, so the two can never drift apart.
 *
 * Values that travel with these ids (button `value`s, `private_metadata`) come back from Slack
 * unchanged but unauthenticated: a handler re-checks the deal's workspace before acting on one.
 */
import type { AssistantAction } from '../../domain/assistant/assistant.schema.js';
import { DIGEST_SNOOZE_DAYS } from '../../domain/digests/digest.view.js';
import type { CardActionId } from '../../domain/shared/record.view.js';

/**
 * `action_id`s of buttons and selects in messages, modals and the App Home. Button values carry a
 * deal id; Advance stage and Won also the stage shown (blocks/deal-value.ts).
 */
export const ACTIONS = {
  advanceStage: 'deal_advance',
  markWon: 'deal_won',
  markLost: 'deal_lost',
  setNextAction: 'deal_next',
  logActivity: 'deal_log',
  /** Opens the edit-deal modal (title, amount, company, expected close date). */
  editDeal: 'deal_edit',
  shareToChannel: 'deal_share',
  openDeal: 'deal_open',
  /** The App Home's "New deal" button (no value): opens the create-deal modal. */
  newDeal: 'deal_new',
  /** List paging; the value is a `ListCursor` as JSON (see blocks/cursor.ts). */
  pageNext: 'list_page_next',
  pagePrev: 'list_page_prev',
  /** A digest's "Snooze 7 days" on a stale deal: off the stale lists for a week. */
  snoozeDeal: 'deal_snooze',
  /** The App Home's "New contact" button (no value): opens the new-contact modal. */
  newContact: 'contact_new',
  /** "Open" on a contact or company row: the value is its id. */
  openContact: 'contact_open',
  openCompany: 'company_open',
  /** Paging of contact, company and task lists; the value is a `RecordCursor` (blocks/record-cursor.ts). */
  recordPageNext: 'record_page_next',
  recordPagePrev: 'record_page_prev',
  /** A duplicate warning's "Use existing": the value is `contact:<id>` or `company:<id>`. */
  useExisting: 'duplicate_use_existing',
  /** A duplicate warning's "Create anyway": the value is a `CreateAnyway` (blocks/records.ts). */
  createAnyway: 'duplicate_create_anyway',
  /**
   * The deal card's "Contacts" multi-select (a `multi_external_select` in a message): its block id
   * is `DEAL_CONTACTS_BLOCK_PREFIX` + the deal id (selects carry no value).
   */
  dealContacts: 'deal_contacts',
  /**
   * A pipeline reply's "Edit stages" (blocks/pipeline.ts): the value is the pipeline's id. Opens the
   * stage editor for admins; anyone else is told who the admins are.
   */
  editStages: 'pipeline_edit_stages',
} as const;

/** Block id prefix of the deal card's contacts select: `deal_contacts:<deal id>`. */
export const DEAL_CONTACTS_BLOCK_PREFIX = 'deal_contacts:';

/**
 * `action_id` of each button a contact, company or task view offers (`CardAction.id`), so every
 * action of a view becomes one button. Contact and company buttons carry the action's subject
 * (the record's id); Done and Snooze a `TaskButtonValue` (the task and where it was shown).
 */
export const RECORD_ACTIONS = {
  'contact.edit': 'contact_edit',
  'contact.new_task': 'contact_new_task',
  'contact.log': 'contact_log',
  'company.edit': 'company_edit',
  'company.new_contact': 'company_new_contact',
  'task.done': 'task_done',
  'task.snooze': 'task_snooze',
  'deal.add_contact': 'deal_add_contact',
} as const satisfies Record<CardActionId, string>;

/** How many days a task's Snooze button puts it off. */
export const TASK_SNOOZE_DAYS = 1;

/**
 * `block_id` prefix of the per-deal blocks in messages the bot posts on its own (digests,
 * nudges): `delivered:<section>:<deal id>`. A button in such a block answers the clicker
 * privately and never replaces the message, which everyone in the channel shares.
 */
export const DELIVERED_BLOCK_PREFIX = 'delivered:';
export const isDeliveredBlock = (blockId: string | undefined) => Boolean(blockId?.startsWith(DELIVERED_BLOCK_PREFIX));

/**
 * The admins' message about a member who left (blocks/handover.ts): a people picker and the Hand
 * over button in one actions block, whose id is `HANDOVER_BLOCK_PREFIX` + the leaver's member id
 * (the button's value is that id too; the handler looks it up in the clicker's workspace).
 */
export const HANDOVER_ACTIONS = { pick: 'handover_pick', handOver: 'handover_go' } as const;
export const HANDOVER_BLOCK_PREFIX = 'handover:';

/**
 * A CSV import's dry-run report in the DM (blocks/import.ts): Import and Cancel in one actions
 * block `IMPORT_BLOCKS.actions`, both valued with the pending import (chat-import.ts, PendingImport:
 * the file's id, the dry run's digests, preset, kind, stage map, who and when); a line under the
 * report saying what became of it is `IMPORT_BLOCKS.status`.
 */
export const IMPORT_ACTIONS = { confirm: 'import_confirm', cancel: 'import_cancel' } as const;
export const IMPORT_BLOCKS = { actions: 'import_actions', status: 'import_status' } as const;

/**
 * `metadata.event_type` of digests and nudges: the payload carries the delivery's key, so that a
 * retry after an unknown outcome can look for the message (src/bot/slack/notifier.ts).
 */
export const DELIVERY_METADATA_EVENT = 'crm_delivery';

/** How long the digest's snooze button keeps a deal off the stale lists. */
export const SNOOZE_DAYS = DIGEST_SNOOZE_DAYS;

/**
 * `action_id`s of the assistant's buttons (drafts, summaries, and Draft follow-up / Summarise on
 * deal cards), one per action type so several can share an actions block. The value is the
 * action as JSON: pass it to `executeAssistantAction`, which parses it with the domain's schema.
 */
export const ASSISTANT_ACTIONS = {
  draft: 'assistant_draft',
  summary: 'assistant_summary',
  contact_summary: 'assistant_contact_summary',
  log_draft: 'assistant_log_draft',
  accept_next_action: 'assistant_accept_next_action',
} as const satisfies Record<AssistantAction['type'], string>;

/**
 * The stage gate modal's custom-field inputs: block `gate_field:<field key>`, action
 * `GATE_FIELD_INPUT` (built-in requirements use the usual BLOCKS and INPUTS).
 */
export const GATE_FIELD_BLOCK_PREFIX = 'gate_field:';
export const GATE_FIELD_INPUT = 'gate_field_input';

/** The deal edit modal's custom fields: block `deal_field:<field key>`, action `DEAL_FIELD_INPUT`. */
export const DEAL_FIELD_BLOCK_PREFIX = 'deal_field:';
export const DEAL_FIELD_INPUT = 'deal_field_input';

/**
 * The stage editor (blocks/stage-editor.ts): three inputs per stage, each in its own block
 * `stage_edit:<field>:<stage id>` holding the element `STAGE_EDIT_INPUTS[field]`.
 */
export const STAGE_EDIT_BLOCK_PREFIX = 'stage_edit:';
export const STAGE_EDIT_INPUTS = { name: 'stage_name_input', probability: 'stage_probability_input', kind: 'stage_kind_input' } as const;
export type StageEditField = keyof typeof STAGE_EDIT_INPUTS;
export const stageEditBlockId = (field: StageEditField, stageId: string) => `${STAGE_EDIT_BLOCK_PREFIX}${field}:${stageId}`;

/**
 * The create-deal modal with a pipeline picker (the workspace has several pipelines): the stage
 * select's block is `stage:<pipeline key>`, so that picking another pipeline (views.update) starts
 * the stage afresh, and a submission says which pipeline its stages were for.
 */
export const stageBlockFor = (pipelineKey: string) => `stage:${pipelineKey}`;

/** `callback_id`s of modals. */
export const VIEWS = {
  createDeal: 'create_deal',
  logActivity: 'log_activity',
  nextAction: 'next_action',
  lostReason: 'lost_reason',
  newContact: 'new_contact',
  editDeal: 'edit_deal',
  editContact: 'edit_contact',
  editCompany: 'edit_company',
  newTask: 'new_task',
  /** "Log to CRM" on a message: one typeahead for a deal, a contact, or both. */
  logToCrm: 'log_to_crm_form',
  /** A deal's contacts, picked in one multi-select (the deal card's Add contact button). */
  dealContacts: 'deal_contacts',
  /** A stage gate: exactly what a deal lacks to enter a stage; submitting gives it and moves the deal. */
  stageGate: 'stage_gate',
  /** The stage editor: every stage's name, probability and kind, saved in one transaction. */
  editStages: 'edit_stages',
  /**
   * A read-only modal showing an answer where there is no message to answer in: a deal card
   * opened from the App Home, a page of a list, an assistant's draft. No submit button.
   */
  answer: 'crm_answer',
} as const;

/** `callback_id`s of message shortcuts: these must match manifest.yml. */
export const SHORTCUTS = {
  logToCrm: 'log_to_crm',
  createDealFromMessage: 'create_deal_from_message',
} as const;

/**
 * `block_id`s of modal input blocks. A submission reads `view.state.values[BLOCKS.x][INPUTS.x]`;
 * both objects have the same keys.
 */
export const BLOCKS = {
  title: 'title',
  amount: 'amount',
  stage: 'stage',
  owner: 'owner',
  company: 'company',
  closeDate: 'close_date',
  nextAction: 'next_action',
  due: 'due',
  deal: 'deal',
  contact: 'contact',
  activityType: 'activity_type',
  body: 'body',
  reason: 'reason',
  email: 'email',
  name: 'name',
  phone: 'phone',
  jobTitle: 'job_title',
  domain: 'domain',
  assignee: 'assignee',
  contacts: 'contacts',
  /** "Log to CRM": one typeahead for a deal, a contact, or a deal with one of its contacts. */
  subject: 'subject',
  /** The create-deal modal's pipeline picker (several pipelines): picking one updates the stages. */
  pipeline: 'pipeline',
} as const;

/**
 * `action_id`s of the elements inside those input blocks. The external selects' ids are also what
 * an options (typeahead) handler listens for: `INPUTS.deal`, `INPUTS.contact`, `INPUTS.company`.
 */
export const INPUTS = {
  title: 'title_input',
  amount: 'amount_input',
  stage: 'stage_input',
  owner: 'owner_input',
  company: 'company_input',
  closeDate: 'close_date_input',
  nextAction: 'next_action_input',
  due: 'due_input',
  deal: 'deal_input',
  contact: 'contact_input',
  activityType: 'activity_type_input',
  body: 'body_input',
  reason: 'reason_input',
  email: 'email_input',
  name: 'name_input',
  phone: 'phone_input',
  jobTitle: 'job_title_input',
  domain: 'domain_input',
  assignee: 'assignee_input',
  contacts: 'contacts_input',
  subject: 'subject_input',
  pipeline: 'pipeline_input',
} as const satisfies Record<keyof typeof BLOCKS, string>;

export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];
export type ViewId = (typeof VIEWS)[keyof typeof VIEWS];
export type InputKey = keyof typeof BLOCKS;
