import { readFileSync } from 'node:fs';
import type { InputBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  createDealModal,
  editDealModal,
  logActivityModal,
  lostReasonModal,
  newContactModal,
  nextActionModal,
} from '../../../../src/bot/slack/blocks/modals.js';
import { BLOCKS, INPUTS, SHORTCUTS, VIEWS } from '../../../../src/bot/slack/ids.js';
import { DEFAULT_STAGES } from '../../../../src/domain/pipeline/pipeline.defaults.js';

const stages = DEFAULT_STAGES.map((s) => ({ ...s }));
const meta = JSON.stringify({ dealId: 'clx0deal000000000000000042' });

const all: [string, ModalView][] = [
  [VIEWS.createDeal, createDealModal({ stages, privateMetadata: meta })],
  [VIEWS.editDeal, editDealModal({ privateMetadata: meta, initial: { title: 'Acme renewal' } })],
  [VIEWS.logActivity, logActivityModal({ privateMetadata: meta })],
  [VIEWS.nextAction, nextActionModal({ privateMetadata: meta })],
  [VIEWS.lostReason, lostReasonModal({ privateMetadata: meta })],
  [VIEWS.newContact, newContactModal({ privateMetadata: meta })],
];

const inputs = (view: ModalView) => view.blocks.filter((b): b is InputBlock => b.type === 'input');
const byBlock = (view: ModalView, block: string) => inputs(view).find((b) => b.block_id === block);

describe('modals', () => {
  it.each(all)('%s: a short title, submit and close labels, its callback id and the metadata', (callbackId, view) => {
    expect(view.callback_id).toBe(callbackId);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    for (const label of [view.title.text, view.submit!.text, view.close!.text]) expect(label, 'cut to fit').not.toMatch(/…$/);
    expect(view.submit!.text.length).toBeLessThanOrEqual(24);
    expect(view.close!.text.length).toBeLessThanOrEqual(24);
    expect(view.private_metadata).toBe(meta);
  });

  it.each(all)('%s: every input uses a block_id and the matching action_id from ids.ts', (_id, view) => {
    expect(inputs(view).length).toBeGreaterThan(0);
    for (const block of inputs(view)) {
      const key = (Object.keys(BLOCKS) as (keyof typeof BLOCKS)[]).find((k) => BLOCKS[k] === block.block_id);
      expect(key, `block_id ${block.block_id}`).toBeDefined();
      expect((block.element as { action_id?: string }).action_id).toBe(INPUTS[key!]);
    }
  });

  it('rejects private_metadata Slack would refuse rather than sending corrupt JSON', () => {
    expect(() => logActivityModal({ privateMetadata: JSON.stringify({ permalink: 'x'.repeat(3000) }) })).toThrow(RangeError);
    expect(logActivityModal({ privateMetadata: 'x'.repeat(3000) }).private_metadata).toHaveLength(3000);
  });

  it('create deal: open stages only, the first preselected, the owner preset, company typeahead from one letter', () => {
    const view = createDealModal({ stages, initial: { ownerUserId: 'U012ABCDEF', title: 'T'.repeat(500), closeDate: '2026-12-01' } });
    const stage = byBlock(view, BLOCKS.stage)!.element as { options: { value: string }[]; initial_option?: { value: string } };
    expect(stage.options.map((o) => o.value)).toEqual(['new', 'qualified', 'proposal', 'negotiation']);
    expect(stage.initial_option?.value).toBe('new');
    expect(byBlock(view, BLOCKS.owner)!.element).toMatchObject({ type: 'users_select', initial_user: 'U012ABCDEF' });
    expect(byBlock(view, BLOCKS.company)!.element).toMatchObject({ type: 'external_select', min_query_length: 1 });
    expect(byBlock(view, BLOCKS.company)!.optional).toBe(true);
    expect(byBlock(view, BLOCKS.closeDate)!.element).toMatchObject({ type: 'datepicker', initial_date: '2026-12-01' });
    const title = byBlock(view, BLOCKS.title)!.element as { initial_value: string; max_length: number };
    expect(title.initial_value.length).toBeLessThanOrEqual(title.max_length);
    expect(view.private_metadata).toBeUndefined();
  });

  it('create deal: an initial stage that is not an open stage falls back to the first', () => {
    const view = createDealModal({ stages, initial: { stage: 'won', ownerUserId: 'not-a-slack-id' } });
    expect((byBlock(view, BLOCKS.stage)!.element as { initial_option?: { value: string } }).initial_option?.value).toBe('new');
    expect(byBlock(view, BLOCKS.owner)!.element).not.toHaveProperty('initial_user');
  });

  it('log activity: the deal preselected from a card, the four types, and the message as the body', () => {
    const body = 'x'.repeat(5000);
    const view = logActivityModal({
      initial: { deal: { id: 'd1', ref: 'D-42', title: 'Acme renewal' }, type: 'call', body },
    });
    expect(byBlock(view, BLOCKS.deal)!.element).toMatchObject({
      type: 'external_select',
      initial_option: { text: { type: 'plain_text', text: 'D-42 Acme renewal' }, value: 'd1' },
    });
    expect(byBlock(view, BLOCKS.deal)!.optional).toBe(false);
    expect(byBlock(view, BLOCKS.contact)!.optional).toBe(true);
    const type = byBlock(view, BLOCKS.activityType)!.element as { options: { value: string }[]; initial_option?: { value: string } };
    expect(type.options.map((o) => o.value)).toEqual(['call', 'email', 'meeting', 'note']);
    expect(type.initial_option?.value).toBe('call');
    const input = byBlock(view, BLOCKS.body)!.element as { multiline: boolean; initial_value: string };
    expect(input.multiline).toBe(true);
    expect(input.initial_value.length).toBeLessThanOrEqual(3000);
  });

  it('option text stays within 75 characters for a long deal title', () => {
    const view = logActivityModal({ initial: { deal: { id: 'd1', ref: 'D-42', title: 'A'.repeat(200) } } });
    const opt = (byBlock(view, BLOCKS.deal)!.element as { initial_option: { text: { text: string } } }).initial_option;
    expect(opt.text.text.length).toBeLessThanOrEqual(75);
  });

  it('next action and lost reason show which deal they are about, escaped', () => {
    const view = nextActionModal({ initial: { deal: { ref: 'D-42', title: '<!channel> deal' }, action: 'Call', due: '2026-12-01' } });
    expect(JSON.stringify(view)).toContain('&lt;!channel&gt; deal');
    expect(JSON.stringify(view)).not.toContain('<!channel>');
    expect(byBlock(view, BLOCKS.due)!.element).toMatchObject({ initial_date: '2026-12-01' });
    expect(byBlock(lostReasonModal({}), BLOCKS.reason)!.element).toMatchObject({ type: 'plain_text_input', multiline: true });
  });

  it('the message shortcuts match the callback ids in manifest.yml', () => {
    const manifest = readFileSync(new URL('../../../../manifest.yml', import.meta.url), 'utf8');
    const ids = [...manifest.matchAll(/callback_id:\s*(\S+)/g)].map((m) => m[1]);
    expect(ids.sort()).toEqual(Object.values(SHORTCUTS).sort());
  });
});
