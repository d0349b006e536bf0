import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { dealCardBlocks } from '../../../../src/bot/slack/blocks/deal-card.js';
import { parseDealValue } from '../../../../src/bot/slack/blocks/deal-value.js';
import { ACTIONS } from '../../../../src/bot/slack/ids.js';
import { clock, deal, detail, visibleText } from './fixtures.js';

const buttonsOf = (blocks: KnownBlock[]): Button[] =>
  blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);

const fieldsOf = (blocks: KnownBlock[]): Record<string, string> => {
  const section = blocks.find((b): b is SectionBlock => b.type === 'section' && Boolean(b.fields));
  return Object.fromEntries(
    (section?.fields ?? []).map((f) => {
      const [label, ...rest] = f.text.split('\n');
      return [label!.replaceAll('*', ''), rest.join('\n')];
    }),
  );
};

describe('the deal card', () => {
  it('shows the facts a seller looks for', () => {
    const blocks = dealCardBlocks(deal(), clock);
    const text = visibleText(blocks);
    expect(text).toContain('*D-42*  Acme renewal');
    const fields = fieldsOf(blocks);
    expect(fields).toMatchObject({
      Company: 'Acme Corp',
      Amount: '$25,000',
      Stage: 'Proposal (50%)',
      Owner: '<@U012ABCDEF>',
      'Close date': 'Fri, Nov 27',
      'Last activity': '3 days ago',
    });
    expect(fields['Next action']).toBe('Send the proposal (:red_circle: overdue since Wed, Nov 18)');
  });

  it('says "due today" and shows the owner by name when the id is not a Slack user id', () => {
    const d = deal({
      nextAction: { text: 'Call Ana', due: '2026-11-19', overdue: false, dueToday: true },
      owner: { id: 'm2', displayName: 'Bob Brown', handle: 'bob', externalId: 'bob@console' },
    });
    const fields = fieldsOf(dealCardBlocks(d, clock));
    expect(fields['Next action']).toBe('Call Ana (:alarm_clock: due today)');
    expect(fields.Owner).toBe('Bob Brown');
  });

  it('warns when an open deal has no next action', () => {
    expect(fieldsOf(dealCardBlocks(deal({ nextAction: null }), clock))['Next action']).toContain(':warning:');
  });

  it('offers every action on an open deal, each carrying the deal id (Advance and Won also the stage shown)', () => {
    const buttons = buttonsOf(dealCardBlocks(deal(), clock));
    expect(buttons.map((b) => b.action_id)).toEqual([
      ACTIONS.advanceStage,
      ACTIONS.markWon,
      ACTIONS.markLost,
      ACTIONS.setNextAction,
      ACTIONS.logActivity,
      ACTIONS.editDeal,
    ]);
    for (const b of buttons) expect(parseDealValue(b.value)?.dealId).toBe('clx0deal000000000000000042');
    expect(buttons.slice(0, 2).map((b) => parseDealValue(b.value)?.stage)).toEqual([deal().stage.key, deal().stage.key]);
  });

  it.each(['won', 'lost'] as const)('offers only logging and editing on a %s deal', (status) => {
    const d = deal({
      status,
      stage: { key: status, name: status === 'won' ? 'Won' : 'Lost', kind: status, probability: status === 'won' ? 100 : 0, position: 5 },
      nextAction: null,
      lostReason: status === 'lost' ? 'went with a competitor' : null,
    });
    const blocks = dealCardBlocks(d, clock);
    expect(buttonsOf(blocks).map((b) => b.action_id)).toEqual([ACTIONS.logActivity, ACTIONS.editDeal]);
    expect(visibleText(blocks)).not.toContain(':warning:');
    if (status === 'lost') expect(fieldsOf(blocks)['Lost reason']).toBe('went with a competitor');
    else expect(fieldsOf(blocks)).not.toHaveProperty('Lost reason');
  });

  it('adds "Share to channel" only when asked', () => {
    expect(buttonsOf(dealCardBlocks(deal(), clock)).map((b) => b.action_id)).not.toContain(ACTIONS.shareToChannel);
    const shared = buttonsOf(dealCardBlocks(deal({ status: 'won' }), { ...clock, shareable: true }));
    expect(shared.map((b) => b.action_id)).toEqual([ACTIONS.logActivity, ACTIONS.editDeal, ACTIONS.shareToChannel]);
  });

  it('shows the headline, the hint, contacts and only the last five timeline entries of a detail view', () => {
    const blocks = dealCardBlocks(detail(), { ...clock, headline: 'Logged a call on D-42.', hint: 'Try `/deal next D-42 <action>`' });
    const text = visibleText(blocks);
    expect(text).toContain('Logged a call on D-42.');
    expect(text).toContain('Ana Lima (ana@acme.com)');
    expect(text).toContain('call: Call number 5');
    expect(text).not.toContain('Call number 6');
    expect(text).toContain('`/deal next D-42 &lt;action&gt;`');
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('renders a hostile title and next action as inert text', () => {
    const evil = '<!channel> *bold* <https://evil|click>';
    const d = detail({
      title: evil,
      company: { id: 'c', name: '<!here>' },
      nextAction: { text: evil, due: null, overdue: false, dueToday: false },
      owner: { id: 'm', displayName: '<!everyone>', handle: 'x', externalId: 'not-slack' },
      timeline: [{ at: new Date(), actor: '<@U999>', kind: 'activity', type: 'note', field: null, from: null, to: null, body: evil, sourceUrl: 'javascript:alert(1)' }],
    });
    const json = JSON.stringify(dealCardBlocks(d, { ...clock, headline: evil }));
    for (const control of ['<!channel>', '<!here>', '<!everyone>', '<https://evil', '<@U999>', 'javascript:']) {
      expect(json).not.toContain(control);
    }
    expect(json).not.toContain('*bold*');
    expect(visibleText(dealCardBlocks(d, clock))).toContain('&lt;!channel&gt; *bold* &lt;https://evil|click&gt;');
  });

  it('links an activity to the message it came from', () => {
    const d = detail({
      timeline: [{ at: new Date(), actor: null, kind: 'activity', type: 'call', field: null, from: null, to: null, body: 'hi', sourceUrl: 'https://acme.slack.com/archives/C1/p123?thread_ts=1|x' }],
    });
    expect(visibleText(dealCardBlocks(d, clock))).toContain('<https://acme.slack.com/archives/C1/p123?thread_ts=1%7Cx|source>');
  });
});
