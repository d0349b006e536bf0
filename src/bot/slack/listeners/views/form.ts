/** What the modal submissions share: their types, the kit the record forms use, small readers. */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import type { Actor } from '../../../../domain/index.js';
import type { Reply } from '../../../commands/reply.js';
import { COMPANY_NAME_TOO_LONG, NEW_COMPANY_NAME_MAX, NEW_COMPANY_PREFIX } from '../../blocks/modals.js';
import type { ModalMeta } from '../context.js';

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type Errors = Record<string, string>;
export const fieldError = (block: string, message: string): Errors => ({ [block]: message });

/**
 * What a submission's work answers: field errors (nothing written), what to tell the person after
 * the modal closed, or a view that replaces the modal (`update`; a duplicate's choice) with what to
 * do instead when the modal has already closed (`orElse`, after the acknowledgement).
 */
export type WorkResult = Errors | (() => Promise<void>) | { update: ModalView; orElse: () => Promise<void> };
export type Work = (a: ViewArgs, actor: Actor, meta: ModalMeta, lookups: Lookups) => Promise<WorkResult>;


/**
 * What a submission may need from Slack. Before `ack` they answer from the database or throw
 * NeedsSlack (then the submission runs again after `ack`, with Slack); throw before writing.
 */
export interface Lookups {
  /** The member id of a person picked in a users select. */
  member(actor: Actor, slackUserId: string): Promise<string>;
  /** A message's permalink (for "Log to CRM" and "Create deal from message"). */
  permalink(meta: ModalMeta): Promise<string | undefined>;
}

export const COMPANY_TOO_LONG = `That name is too long to create here (${NEW_COMPANY_NAME_MAX} characters at most): shorten it, or pick an existing company.`;

/** The company a form picked: an existing one by id, a new one by name, or the too-long marker. */
export function companyChoice(value: string | undefined): { companyId?: string; companyName?: string; tooLong?: true } {
  if (!value) return {};
  if (value === COMPANY_NAME_TOO_LONG) return { tooLong: true };
  return value.startsWith(NEW_COMPANY_PREFIX) ? { companyName: value.slice(NEW_COMPANY_PREFIX.length) } : { companyId: value };
}

export const isUpdate = (r: WorkResult): r is { update: ModalView; orElse: () => Promise<void> } => typeof r === 'object' && 'update' in r && typeof r.orElse === 'function';

/** What the record forms (views/records.ts) are built from. */
export interface ViewKit {
  submit(callbackId: string, work: Work, check?: (a: ViewArgs) => Errors | undefined): void;
  /** An answer after the modal closed, in words: where the modal came from (its response URL), or a DM. */
  tell(a: ViewArgs, meta: ModalMeta, message: string): Promise<void>;
  /** A message after the modal closed: where the modal came from (its response URL, added), or a DM. */
  post(a: ViewArgs, meta: ModalMeta, message: { text: string; blocks: KnownBlock[] }): Promise<void>;
  /**
   * A reply where the modal came from: the modal underneath (a form pushed onto an answer modal),
   * the message it was opened from (its response URL, replacing it when `replace`), the channel
   * (ephemeral), or a DM.
   */
  show(a: ViewArgs, actor: Actor, meta: ModalMeta, reply: Reply, opts: { replace: boolean; title: string }): Promise<void>;
}
