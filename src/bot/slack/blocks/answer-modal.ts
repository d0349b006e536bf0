/**
 * A read-only modal holding an answer where there is no message to answer in: buttons in the App
 * Home and in modals carry no `response_url`, only a `trigger_id` (3 s) or the view's id. The deal
 * card opened from the Home, a page of a list, an assistant's draft: each is the message the
 * person would have got, in a modal with only a Close button.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { VIEWS } from '../ids.js';
import { SLACK_LIMITS } from './escape.js';
import { checkPrivateMetadata } from './modals.js';
import { plain } from './parts.js';

export const ANSWER_MODAL_TEXT = {
  close: 'Close',
  /** A modal title holds 24 characters: `Deal D-123456789` fits. */
  dealTitle: (ref: string) => `Deal ${ref}`,
  listTitle: 'Deals',
  /** Drafts, summaries and anything else. */
  otherTitle: 'CRM',
} as const;

export function answerModal(title: string, message: { blocks: KnownBlock[] }, privateMetadata?: string): ModalView {
  const meta = checkPrivateMetadata(privateMetadata);
  return {
    type: 'modal',
    callback_id: VIEWS.answer,
    title: plain(title, SLACK_LIMITS.modalTitle),
    close: plain(ANSWER_MODAL_TEXT.close, SLACK_LIMITS.modalButton),
    ...(meta !== undefined && { private_metadata: meta }),
    blocks: message.blocks.slice(0, SLACK_LIMITS.viewBlocks),
  };
}
