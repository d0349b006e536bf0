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
} as const;

/** Content types Teams uses for cards and invoke answers. */
export const CONTENT_TYPES = {
  adaptiveCard: 'application/vnd.microsoft.card.adaptive',
  message: 'application/vnd.microsoft.activity.message',
  error: 'application/vnd.microsoft.error',
} as const;
