import type { ActionsBlock, Button, KnownBlock, RichTextBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { replyBlocks } from '../../../../src/bot/slack/blocks/reply.js';
import { ACTIONS, ASSISTANT_ACTIONS } from '../../../../src/bot/slack/ids.js';
import { parseAssistantAction } from '../../../../src/domain/assistant/assistant.schema.js';
import { button, type DraftView, type SummaryView } from '../../../../src/domain/assistant/assistant.view.js';
import { clock, deal, visibleText } from './fixtures.js';

const EVIL = '<!channel> *bold* <https://evil|click>';

const meta = {
  source: 'model' as const,
  label: 'AI draft (gpt-4o-mini): check it before sending',
  note: null,
  offlineReason: null,
  model: 'gpt-4o-mini',
  cached: false,
  citations: [{ ref: 'A1', activityId: 'a1', type: 'call', date: '2026-11-18', excerpt: EVIL, sourceUrl: null }],
  droppedCitations: [],
  visibility: 'private' as const,
};

const draft: DraftView = {
  ...meta,
  kind: 'draft',
  id: '0123456789abcdef',
  deal: { id: 'd1', ref: 'D-42', title: 'Acme renewal' },
  to: [{ name: 'Ana Lima', email: 'ana@acme.com' }],
  subject: 'Next steps',
  body: `Hi Ana,\n${EVIL}\nBest`,
  copyText: `Subject: Next steps\n\nHi Ana,\n${EVIL}\nBest`,
  buttons: [
    button('Log as email activity', { type: 'log_draft', ref: 'D-42', draftId: '0123456789abcdef' }, 'primary'),
    button('Regenerate', { type: 'draft', ref: 'D-42', regenerate: true }),
  ],
};

const summary: SummaryView = {
  ...meta,
  label: 'Offline summary (no AI): extracted from the activities',
  note: 'No AI model is configured (OPENAI_API_KEY), so this was filled in from the CRM data.',
  kind: 'summary',
  subject: { type: 'deal', id: 'd1', ref: 'D-42', title: 'Acme renewal' },
  lines: [{ text: `Pricing call: ${EVIL}`, citations: ['A1'] }],
  openQuestions: [{ text: 'Who signs?', citations: [] }],
  suggestedNextAction: { text: 'Send the proposal', due: '2026-11-24', citations: ['A1'] },
  buttons: [button('Set as next action', { type: 'accept_next_action', ref: 'D-42', action: 'Send the proposal', due: '2026-11-24' }, 'primary')],
};

const buttonsOf = (blocks: KnownBlock[]): Button[] =>
  blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);
const mrkdwnOnly = (blocks: KnownBlock[]) => JSON.stringify(blocks.filter((b) => b.type !== 'rich_text' && b.type !== 'actions'));

describe('assistant replies', () => {
  it('a draft says where it came from, shows the copyable text exactly, and escapes everything else', () => {
    const { text, blocks } = replyBlocks({ kind: 'draft', draft, hint: 'Nothing was sent.' }, clock);
    expect(text).toBe('Follow-up draft for D-42: Next steps');
    const shown = visibleText(blocks);
    expect(shown).toContain('AI draft (gpt-4o-mini): check it before sending');
    expect(shown).toContain('Ana Lima &lt;ana@acme.com&gt;');
    const rich = blocks.find((b): b is RichTextBlock => b.type === 'rich_text')!;
    expect(JSON.stringify(rich)).toContain(JSON.stringify(draft.copyText).slice(1, -1));
    expect(mrkdwnOnly(blocks)).not.toContain('<!channel>');
    expect(mrkdwnOnly(blocks)).not.toContain('*bold*');
    expect(shown).toContain('Nothing was sent.');
  });

  it('a draft has its buttons, each with its own action id and the action as value', () => {
    const buttons = buttonsOf(replyBlocks({ kind: 'draft', draft }, clock).blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([ASSISTANT_ACTIONS.log_draft, ASSISTANT_ACTIONS.draft]);
    expect(parseAssistantAction(buttons[0]!.value)).toEqual({ type: 'log_draft', ref: 'D-42', draftId: '0123456789abcdef' });
  });

  it('a summary shows its points, questions, suggestion and sources, with the offline note', () => {
    const { text, blocks } = replyBlocks({ kind: 'summary', summary }, clock);
    expect(text).toBe('Summary of D-42');
    const shown = visibleText(blocks);
    expect(shown).toContain('Offline summary (no AI)');
    expect(shown).toContain('No AI model is configured');
    expect(shown).toContain('Who signs?');
    expect(shown).toContain('*Suggested next action:* Send the proposal (by Tue, Nov 24)');
    expect(shown).toContain('A1 · call · Wed, Nov 18');
    expect(JSON.stringify(blocks.filter((b) => b.type !== 'actions'))).not.toContain('<!channel>');
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual([ASSISTANT_ACTIONS.accept_next_action]);
  });

  it('deal cards get Draft follow-up and Summarise only when the assistant is on', () => {
    const off = buttonsOf(replyBlocks({ kind: 'deal', deal: deal() }, clock).blocks).map((b) => b.action_id);
    expect(off).not.toContain(ASSISTANT_ACTIONS.draft);
    const on = buttonsOf(replyBlocks({ kind: 'deal', deal: deal() }, { ...clock, assistant: true }).blocks);
    expect(on.map((b) => b.action_id)).toEqual([
      ACTIONS.advanceStage,
      ACTIONS.markWon,
      ACTIONS.markLost,
      ACTIONS.setNextAction,
      ACTIONS.logActivity,
      ACTIONS.editDeal,
      ASSISTANT_ACTIONS.draft,
      ASSISTANT_ACTIONS.summary,
    ]);
    expect(parseAssistantAction(on.at(-1)!.value)).toEqual({ type: 'summary', ref: 'D-42' });
  });
});
