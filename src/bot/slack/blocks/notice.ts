/**
 * A modal that only says something: what a submission turns into when it cannot be done and the
 * person may not be reachable by a message (someone from another organisation).
 */
import type { ModalView } from '@slack/types';
import { plain, section } from './parts.js';

/** Modal titles are at most 24 characters. */
const NOTICE_TITLE = 'Deals';

export function noticeModal(text: string, title: string = NOTICE_TITLE): ModalView {
  return {
    type: 'modal',
    title: plain(title, 24),
    close: plain('Close', 24),
    blocks: [section(text)],
  };
}
