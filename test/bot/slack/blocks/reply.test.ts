import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { parseListCursor } from '../../../../src/bot/slack/blocks/cursor.js';
import { MAX_LIST_ITEMS, replyBlocks } from '../../../../src/bot/slack/blocks/reply.js';
import { ACTIONS } from '../../../../src/bot/slack/ids.js';
import { helpText } from '../../../../src/bot/commands/help.js';
import { clock, deal, deals, list, queue, summary, visibleText } from './fixtures.js';

const buttons = (blocks: KnownBlock[]): Button[] =>
  blocks.flatMap((b) =>
    b.type === 'actions'
      ? ((b as ActionsBlock).elements as Button[])
      : b.type === 'section' && (b as SectionBlock).accessory
        ? [(b as SectionBlock).accessory as Button]
        : [],
  );
const button = (blocks: KnownBlock[], actionId: string) => buttons(blocks).find((b) => b.action_id === actionId);

describe('list replies', () => {
  it('shows each deal compactly with an Open button, the range and paging', () => {
    const l = list({ items: [deal({ id: 'a', ref: 'D-1' }), deal({ id: 'b', ref: 'D-2', nextAction: null })], total: 153, page: 3, pageSize: 2, hasMore: true });
    const { text, blocks } = replyBlocks({ kind: 'list', list: l }, { ...clock, listSource: { scope: { type: 'all' } } });
    const shown = visibleText(blocks);
    expect(shown).toContain('*Your open deals*');
    expect(shown).toContain('*D-1*  Acme renewal\n$25,000 · Proposal · close Fri, Nov 27 · next: Send the proposal');
    expect(shown).toMatch(/\*D-2\*.*\n.*:warning: no next action/);
    expect(shown).toContain('Showing 5–6 of 153');
    expect(text).toContain('showing 5–6 of 153');
    expect(buttons(blocks).filter((b) => b.action_id === ACTIONS.openDeal).map((b) => b.value)).toEqual(['a', 'b']);
    expect(parseListCursor(button(blocks, ACTIONS.pagePrev)?.value)).toEqual({ scope: { type: 'all' }, page: 2, pageSize: 2 });
    expect(parseListCursor(button(blocks, ACTIONS.pageNext)?.value)).toEqual({ scope: { type: 'all' }, page: 4, pageSize: 2 });
  });

  it('has no Prev on the first page and no Next on the last', () => {
    const first = replyBlocks({ kind: 'list', list: list({ total: 25, hasMore: true }) }, { ...clock, listSource: { query: 'acme' } });
    expect(button(first.blocks, ACTIONS.pagePrev)).toBeUndefined();
    expect(parseListCursor(button(first.blocks, ACTIONS.pageNext)?.value)).toEqual({ query: 'acme', page: 2, pageSize: 10 });
    const last = replyBlocks({ kind: 'list', list: list({ items: deals(5), total: 25, page: 3, hasMore: false }) }, { ...clock, listSource: { query: 'acme' } });
    expect(button(last.blocks, ACTIONS.pageNext)).toBeUndefined();
    expect(button(last.blocks, ACTIONS.pagePrev)).toBeDefined();
  });

  it('says "1,000+" when the count stopped at the cap', () => {
    const l = list({ items: deals(10), total: 1000, totalCapped: true, pageSize: 10, hasMore: true });
    const { blocks } = replyBlocks({ kind: 'list', list: l }, { ...clock, listSource: { scope: { type: 'mine' } } });
    expect(visibleText(blocks)).toContain('Showing 1–10 of 1,000+');
  });

  it('stays within 50 blocks for a page of 200 deals, and Next continues right after the last one shown', () => {
    const l = list({ items: deals(200), total: 1000, pageSize: 200, hasMore: true });
    const { blocks } = replyBlocks({ kind: 'list', list: l, hint: 'a hint' }, { ...clock, listSource: { scope: { type: 'mine' } } });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(buttons(blocks).filter((b) => b.action_id === ACTIONS.openDeal)).toHaveLength(MAX_LIST_ITEMS);
    expect(visibleText(blocks)).toContain(`Showing 1–${MAX_LIST_ITEMS} of 1,000`);
    const next = parseListCursor(button(blocks, ACTIONS.pageNext)?.value);
    expect(next).toBeDefined();
    expect((next!.page - 1) * next!.pageSize).toBe(MAX_LIST_ITEMS);
  });

  it('has a Next button when the page itself is longer than a message shows, even on the last page', () => {
    const l = list({ items: deals(200), total: 200, pageSize: 200, hasMore: false });
    const { blocks } = replyBlocks({ kind: 'list', list: l }, { ...clock, listSource: { scope: { type: 'all' } } });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(button(blocks, ACTIONS.pageNext)).toBeDefined();
  });

  it('keeps paging values small and escapes a hostile search', () => {
    const query = '<!channel> *x* '.repeat(13).trim();
    const { text, blocks } = replyBlocks(
      { kind: 'list', list: list({ heading: `Deals matching “${query}”`, total: 30, hasMore: true }) },
      { ...clock, listSource: { query } },
    );
    // The value carries the words as typed (it is data, never shown); everything shown is escaped.
    expect(button(blocks, ACTIONS.pageNext)!.value!.length).toBeLessThanOrEqual(2000);
    expect(parseListCursor(button(blocks, ACTIONS.pageNext)?.value)).toEqual({ query, page: 2, pageSize: 10 });
    expect(visibleText(blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(blocks.filter((b) => b.type !== 'actions'))).not.toContain('*x*');
    expect(text).not.toContain('<!channel>');
  });

  it('says so when the list is empty, with the hint', () => {
    const { blocks } = replyBlocks({ kind: 'list', list: list({ items: [], total: 0 }), hint: 'Create a deal with `/deal new <title>`.' }, clock);
    const shown = visibleText(blocks);
    expect(shown).toContain('No deals here');
    expect(shown).toContain('`/deal new &lt;title&gt;`');
    expect(buttons(blocks)).toEqual([]);
  });

  it('rejects paging values it could not have made', () => {
    for (const bad of [undefined, '', 'nope', '{}', '{"scope":{"type":"mine"},"page":0,"pageSize":10}', '{"query":"","page":1,"pageSize":10}', '{"scope":{"type":"x"},"page":1,"pageSize":10}']) {
      expect(parseListCursor(bad)).toBeUndefined();
    }
  });
});

describe('help replies', () => {
  it('fits the real help text into sections of at most 3,000 characters', () => {
    const { blocks } = replyBlocks({ kind: 'help', text: helpText() }, clock);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect((b as SectionBlock).text!.text.length).toBeLessThanOrEqual(3000);
  });

  it('splits a long help text over several sections, keeping every line and its code', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `\`/deal thing ${i} <ref>\` does thing number ${i} to a deal.`);
    const { text, blocks } = replyBlocks({ kind: 'help', text: lines.join('\n') }, clock);
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) {
      expect(b.type).toBe('section');
      expect((b as SectionBlock).text!.text.length).toBeLessThanOrEqual(3000);
    }
    const all = blocks.map((b) => (b as SectionBlock).text!.text).join('\n');
    expect(all).toContain('`/deal thing 299 &lt;ref&gt;` does thing number 299');
    expect(text).toBe('`/deal thing 0 &lt;ref&gt;` does thing number 0 to a deal.');
  });
});

describe('error replies', () => {
  it('shows a warning with the hint underneath, and nothing a person typed becomes markup', () => {
    const { text, blocks } = replyBlocks(
      { kind: 'error', message: 'No deal matches “<!channel> *x*”.', hint: 'Try `/deal list all`.' },
      clock,
    );
    expect(blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(visibleText(blocks)).toContain(':warning: No deal matches “&lt;!channel&gt; *x*”.');
    expect(visibleText(blocks)).toContain('Try `/deal list all`.');
    expect(JSON.stringify(blocks.filter((b) => b.type !== 'actions'))).not.toContain('*x*');
    expect(text).not.toContain('<!channel>');
  });
});

describe('deal replies', () => {
  it('use the headline as notification text', () => {
    const r = replyBlocks({ kind: 'deal', headline: 'Created D-42.', deal: deal() }, { ...clock, shareable: true });
    expect(r.text).toBe('Created D-42.');
    expect(button(r.blocks, ACTIONS.shareToChannel)?.value).toBe(deal().id);
  });

  it('escape the title in the notification text when there is no headline', () => {
    expect(replyBlocks({ kind: 'deal', deal: deal({ title: '<!here> hi' }) }, clock).text).toBe('D-42 &lt;!here&gt; hi');
  });
});

describe('report replies', () => {
  it('show the pipeline, the numbers and the three queues', () => {
    const { text, blocks } = replyBlocks(
      {
        kind: 'report',
        summary: summary(),
        due: queue('Next actions due today or overdue', deals(3)),
        noNextAction: queue('Open deals with no next action', [deal({ ref: 'D-9', nextAction: null })], 7),
        stale: { ...queue('Deals with no activity for 14+ days', []), days: 14 },
      },
      clock,
    );
    const shown = visibleText(blocks);
    expect(shown).toContain('New (10%): 3 · $30,000');
    expect(shown).toContain('Won (last 90 days): 1 · $10,000');
    expect(shown).toContain('*Open pipeline*\n5 deals · $80,000');
    expect(shown).toContain('*Weighted forecast*\n$28,000');
    expect(shown).toContain('50% (1 won, 1 lost)');
    expect(shown).toContain('*Average won deal*\n$10,000');
    expect(shown).toContain('*Average sales cycle*\n42 days');
    expect(shown).toContain('*Next actions due today or overdue* (3)');
    expect(shown).toContain('*Open deals with no next action* (1 of 7)');
    expect(shown).toMatch(/\*Deals with no activity for 14\+ days\* \(0\)\n_none_/);
    expect(text).toBe('Pipeline: 5 open deals, $80,000');
    expect(blocks.length).toBeLessThanOrEqual(50);
  });
});
