/**
 * Contacts, companies and tasks as Slack messages (the reply kinds `contact`, `contacts`,
 * `company`, `companies`, `task`, `tasks`, `duplicate`). Pure: view model in, Block Kit out.
 */
import type { KnownBlock } from '@slack/types';
import type { Reply } from '../../commands/reply.js';
import { escapeMrkdwn } from './escape.js';
import { section } from './parts.js';

export type RecordReply = Extract<Reply, { kind: 'contact' | 'contacts' | 'company' | 'companies' | 'task' | 'tasks' | 'duplicate' }>;

/** The blocks of a contact, company or task reply (first draft: a line each). */
export function slackRecordBlocks(reply: RecordReply): KnownBlock[] {
  switch (reply.kind) {
    case 'contact':
      return [section(`*${escapeMrkdwn(reply.contact.name)}*`)];
    case 'company':
      return [section(`*${escapeMrkdwn(reply.company.name)}*`)];
    case 'task':
      return [section(`*${escapeMrkdwn(reply.task.ref)}*  ${escapeMrkdwn(reply.task.title)}`)];
    case 'contacts':
    case 'companies':
    case 'tasks':
      return [section(`*${escapeMrkdwn(reply.list.heading)}*`)];
    case 'duplicate':
      return [section(`:warning: ${escapeMrkdwn(reply.message)}`)];
  }
}

/** The notification text of a record reply (raw: the caller escapes it). */
export function recordFallbackText(reply: RecordReply): string {
  switch (reply.kind) {
    case 'contact':
      return reply.headline ?? reply.contact.name;
    case 'company':
      return reply.headline ?? reply.company.name;
    case 'task':
      return reply.headline ?? `${reply.task.ref} ${reply.task.title}`;
    case 'contacts':
    case 'companies':
    case 'tasks':
      return reply.list.heading;
    case 'duplicate':
      return reply.message;
  }
}
