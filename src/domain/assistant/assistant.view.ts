/**
 * Platform-neutral views of the assistant's answers: what the console prints and what the Slack
 * and Teams surfaces turn into private messages with buttons. Every answer says where it came
 * from (`source`, `label`, `note`) and which activities it used (`citations`).
 */
import type { AssistantAction } from './assistant.schema.js';
import type { OfflineReason } from './assistant.port.js';

export type AssistantSource = 'model' | 'offline';

/** An activity an answer used: only ever one the answer was given. */
export interface CitationView {
  /** As the answer cites it: "A1" is the newest activity it was given. */
  ref: string;
  activityId: string;
  type: string;
  /** YYYY-MM-DD, in the asker's time zone. */
  date: string;
  /** The start of the activity's text. */
  excerpt: string;
  sourceUrl: string | null;
}

/** A button a surface draws; `value` is `action` as JSON (under Slack's 2,000 characters). */
export interface AssistantButton {
  label: string;
  style?: 'primary';
  action: AssistantAction;
  value: string;
}

interface AnswerMeta {
  /** 'model': written by the language model; 'offline': a template or extract, no AI involved. */
  source: AssistantSource;
  /** One line to show above the answer: "AI draft (gpt-4o-mini): check it before sending", "Offline draft (no AI)". */
  label: string;
  /** Why an answer is offline, in words; null for model answers. */
  note: string | null;
  offlineReason: OfflineReason | null;
  /** The model's name for model answers. */
  model: string | null;
  /** True when the answer came from the cache (no new model call was paid for). */
  cached: boolean;
  /** The activities the answer cites (only ones it was given). */
  citations: CitationView[];
  /** Citations the model made to activities it was not given: removed, listed for the record. */
  droppedCitations: string[];
  /** Drafts and summaries are shown only to the person who asked. */
  visibility: 'private';
  buttons: AssistantButton[];
}

export interface DraftView extends AnswerMeta {
  kind: 'draft';
  /** Identifies this draft for "Log as email activity" (a hash of subject and body). */
  id: string;
  deal: { id: string; ref: string; title: string };
  /** The deal's contacts, with their emails from the CRM (never from the model). */
  to: { name: string; email: string | null }[];
  subject: string;
  body: string;
  /** Subject and body as one block to copy into a mail client. The bot never sends it. */
  copyText: string;
}

export interface SummaryPoint {
  text: string;
  /** Refs of the activities behind it ("A2"), or "deal"/"contact" for the record's own fields. */
  citations: string[];
}

export type SummarySubject =
  | { type: 'deal'; id: string; ref: string; title: string }
  | { type: 'contact'; id: string; name: string };

export interface SummaryView extends AnswerMeta {
  kind: 'summary';
  subject: SummarySubject;
  /** A few lines on what happened. */
  lines: SummaryPoint[];
  openQuestions: SummaryPoint[];
  /** What to do next; for a deal, one click makes it the deal's next action. */
  suggestedNextAction: (SummaryPoint & { due: string | null }) | null;
}

export const OFFLINE_NOTES: Record<OfflineReason, string> = {
  not_configured: 'No AI model is configured (OPENAI_API_KEY), so this was filled in from the CRM data.',
  timeout: 'The AI service did not answer in time, so this was filled in from the CRM data.',
  rate_limited: 'The AI service is busy (rate limited), so this was filled in from the CRM data.',
  unavailable: 'The AI service could not be reached, so this was filled in from the CRM data.',
  rejected: 'The AI service refused the request (check the key and model name), so this was filled in from the CRM data.',
  invalid_output: 'The AI answer was not usable, so this was filled in from the CRM data.',
  budget: 'The deal’s data did not fit the token budget, so this was filled in from the CRM data.',
  error: 'The AI helper failed, so this was filled in from the CRM data.',
};

export const LABELS = {
  modelDraft: (model: string) => `AI draft (${model}): check it before sending`,
  modelSummary: (model: string) => `AI summary (${model})`,
  offlineDraft: 'Offline draft (no AI)',
  offlineSummary: 'Offline summary (no AI): extracted from the activities',
} as const;

export function button(label: string, action: AssistantAction, style?: 'primary'): AssistantButton {
  return { label, action, value: JSON.stringify(action), ...(style && { style }) };
}

/** The assistant's buttons for a deal card: Draft follow-up and Summarise (none when turned off). */
export function dealAssistantButtons(deal: { ref: string }, enabled: boolean): AssistantButton[] {
  if (!enabled) return [];
  return [button('Draft follow-up', { type: 'draft', ref: deal.ref }), button('Summarise', { type: 'summary', ref: deal.ref })];
}
