import type { ActionsBlock, Button, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { appHomeView } from '../../../../src/bot/slack/blocks/home.js';
import { ACTIONS } from '../../../../src/bot/slack/ids.js';
import { clock, deal, deals, list, queue, summary, visibleText } from './fixtures.js';

const input = (n: number) => ({
  ...clock,
  myDeals: list({ items: deals(n), total: n * 3, pageSize: n, hasMore: true }),
  due: queue('Next actions due today or overdue', deals(n), n * 2),
  noNextAction: queue('Open deals with no next action', deals(n).map((d) => ({ ...d, nextAction: null })), n * 2),
  summary: summary({
    stages: Array.from({ length: 60 }, (_, i) => ({ key: `s${i}`, name: `Stage ${i}`, kind: 'open' as const, probability: 10, count: i, totals: [] })),
  }),
});

describe('the App Home', () => {
  it('is a home view with the four sections in order', () => {
    const view = appHomeView(input(3));
    expect(view.type).toBe('home');
    const headers = view.blocks.filter((b) => b.type === 'header').map((b) => (b as { text: { text: string } }).text.text);
    expect(headers).toEqual([
      'Your next actions due today or overdue',
      'Your deals with no next action',
      'Your open deals',
      'Pipeline snapshot',
    ]);
    expect(visibleText(view.blocks)).toContain('*Weighted forecast*');
  });

  it('stays within 100 blocks however much there is, and says how much is not shown', () => {
    const view = appHomeView(input(500));
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = visibleText(view.blocks);
    expect(text).toContain('Pipeline snapshot');
    expect(text).toMatch(/…and \d+ more/);
    for (const b of view.blocks) {
      if (b.type === 'section' && (b as SectionBlock).text) expect((b as SectionBlock).text!.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('starts with New deal and New contact buttons', () => {
    const first = appHomeView(input(1)).blocks[0] as ActionsBlock;
    expect((first.elements as Button[]).map((b) => [b.action_id, b.text.text])).toEqual([
      [ACTIONS.newDeal, 'New deal'],
      [ACTIONS.newContact, 'New contact'],
    ]);
  });

  it('gives every deal an Open button carrying its id', () => {
    const view = appHomeView({ ...input(0), due: queue('due', [deal({ id: 'due-1' })]) });
    const open = view.blocks.flatMap((b) => ((b as SectionBlock).accessory ? [(b as SectionBlock).accessory as Button] : []));
    expect(open.map((b) => [b.action_id, b.value])).toEqual([[ACTIONS.openDeal, 'due-1']]);
  });

  it('says so when a section is empty, without control sequences', () => {
    const view = appHomeView(input(0));
    const text = visibleText(view.blocks);
    expect(text).toContain('Nothing due.');
    expect(text).toContain('No open deals.');
    expect(JSON.stringify(view)).not.toMatch(/<(?!@)[^>]*>/);
  });
});
