/**
 * Renders every `/deal` reply as a Slack message: Block Kit blocks plus the `text` Slack shows in
 * notifications and to clients that cannot draw blocks. Carries the same facts as the console's
 * renderer (src/bot/console/render.ts). Pure: view model in, JSON out.
 */
import type { KnownBlock } from '@slack/types';
import { dealAssistantButtons } from '../../../domain/assistant/assistant.view.js';
import type { DealListView } from '../../../domain/deals/deal.view.js';
import type { Reply } from '../../commands/execute.js';
import { formatTotals } from '../../format.js';
import { ACTIONS } from '../ids.js';
import { draftBlocks, summaryBlocks } from './assistant.js';
import { digestMessage, digestSettingsBlocks, nudgeSettingsBlocks } from './digest.js';
import { encodeListCursor, pageWindow, type ListSource } from './cursor.js';
import { dealCardBlocks } from './deal-card.js';
import { dateFormatter, dealRowBlock, lastActivityText, type Clock } from './deal-text.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS, splitMrkdwn, truncateMrkdwn } from './escape.js';
import { actions, button, capBlocks, context, divider, section } from './parts.js';
import { pipelineSummaryBlocks, queueSection } from './summary.js';
import { recordMessage } from './records.js';
import { pipelineBlocks } from './pipeline.js';
import { formatCount } from '../../format.js';

export interface ReplyOptions extends Clock {
  /** Adds "Share to channel" to deal cards (when the reply is visible only to the person who asked). */
  shareable?: boolean;
  /** What a list reply listed, for its Prev/Next buttons; the list's own `source` when absent. */
  listSource?: ListSource;
  /** The workspace has the assistant on: deal cards get Draft follow-up and Summarise. */
  assistant?: boolean;
}

export interface SlackMessage {
  /** Notification and fallback text (mrkdwn, escaped). */
  text: string;
  blocks: KnownBlock[];
}

/**
 * At most this many deals in one list message: one block each, plus heading, paging and hint,
 * keeps a message far inside Slack's 50 blocks whatever page size the domain was asked for.
 */
export const MAX_LIST_ITEMS = 20;

export function replyBlocks(reply: Reply, opts: ReplyOptions): SlackMessage {
  switch (reply.kind) {
    case 'help': {
      const text = escapeControl(reply.text);
      const chunks = splitMrkdwn(text, SLACK_LIMITS.sectionText);
      return message(text.split('\n')[0] ?? 'Help', capBlocks(chunks.map((c) => section(c)), SLACK_LIMITS.messageBlocks));
    }
    case 'error': {
      const blocks: KnownBlock[] = [section(`:warning: ${escapeMrkdwn(reply.message)}`)];
      if (reply.hint) blocks.push(context(escapeControl(reply.hint)));
      return message(escapeMrkdwn(reply.message), blocks);
    }
    case 'deal': {
      const { deal } = reply;
      return message(
        escapeMrkdwn(reply.headline ?? `${deal.ref} ${deal.title}`),
        dealCardBlocks(deal, {
          ...opts,
          headline: reply.headline,
          hint: reply.hint,
          assistantButtons: dealAssistantButtons(deal, opts.assistant ?? false),
        }),
      );
    }
    case 'draft': {
      const { draft } = reply;
      return message(escapeMrkdwn(`Follow-up draft for ${draft.deal.ref}: ${draft.subject}`), draftBlocks(draft, opts, reply.hint));
    }
    case 'summary': {
      const s = reply.summary.subject;
      return message(escapeMrkdwn(`Summary of ${s.type === 'deal' ? s.ref : s.name}`), summaryBlocks(reply.summary, opts, reply.hint));
    }
    case 'list':
      return listMessage(reply.list, opts, reply.hint);
    case 'digest':
      return digestSettingsBlocks(reply.settings, opts, { headline: reply.headline, hint: reply.hint });
    case 'digest_preview': {
      const preview = digestMessage(reply.digest);
      const note = context('Preview, only you can see it: the digest this channel would get now.');
      return { text: `Preview: ${preview.text}`, blocks: capBlocks([note, ...preview.blocks], SLACK_LIMITS.messageBlocks) };
    }
    case 'nudges':
      return nudgeSettingsBlocks(reply.settings, { headline: reply.headline });
    case 'contact':
    case 'contacts':
    case 'company':
    case 'companies':
    case 'task':
    case 'tasks':
    case 'duplicate':
      return recordMessage(reply, opts);
    case 'pipeline':
      return pipelineBlocks(reply.pipelines, reply.headline, reply.hint);
    case 'report': {
      const s = reply.summary;
      const blocks: KnownBlock[] = [
        ...pipelineSummaryBlocks(s),
        divider(),
        queueSection(reply.due, opts),
        queueSection(reply.noNextAction, opts),
        queueSection(reply.stale, opts, { extra: lastActivityText }),
      ];
      return message(`Pipeline: ${s.open.count} open ${s.open.count === 1 ? 'deal' : 'deals'}, ${formatTotals(s.open.totals)}`, blocks);
    }
  }
}

/** A page of deals: one row with an Open button per deal, "Showing 1–10 of 153", and Prev/Next. */
export function listMessage(list: DealListView, opts: ReplyOptions, hint?: string): SlackMessage {
  const date = dateFormatter(opts);
  const heading = escapeMrkdwn(list.heading);
  const blocks: KnownBlock[] = [section(`*${heading}*`)];
  const paging = pageWindow(list, MAX_LIST_ITEMS);
  const range = paging.shown ? `${paging.first}–${paging.first + paging.shown - 1}` : '0';
  const showing = `Showing ${range} of ${formatCount(list)}`;

  if (paging.shown === 0) blocks.push(section('_No deals here._'));
  for (const deal of list.items.slice(0, paging.shown)) blocks.push(dealRowBlock(deal, date));
  if (paging.shown) blocks.push(context(showing));

  const source = opts.listSource ?? list.source;
  if (source) {
    const buttons = [
      ...(paging.prev ? [button('Prev', ACTIONS.pagePrev, { value: encodeListCursor({ ...source, ...paging.prev }) })] : []),
      ...(paging.next ? [button('Next', ACTIONS.pageNext, { value: encodeListCursor({ ...source, ...paging.next }) })] : []),
    ];
    if (buttons.length) blocks.push(actions(buttons));
  }
  if (hint) blocks.push(context(escapeControl(hint)));
  return message(`${heading}: ${showing.toLowerCase()}`, blocks);
}

function message(text: string, blocks: KnownBlock[]): SlackMessage {
  return { text: truncateMrkdwn(text, SLACK_LIMITS.fallbackText), blocks };
}
