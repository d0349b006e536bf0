import { describe, expect, it } from 'vitest';
import { DeliveryPacer, mapLimit } from '../../src/domain/digests/pacer.js';
import { FixedClock, type Destination } from '../../src/domain/ports.js';

const dest = (conversationId: string, workspaceId = 'W1'): Destination => ({ platform: 'slack', workspaceId, conversationId, kind: 'channel' });

function pacer() {
  const clock = new FixedClock(new Date('2026-11-24T08:00:00Z'));
  const sends: { conversation: string; at: number }[] = [];
  const p = new DeliveryPacer(clock, async (ms) => clock.advance(ms), 1000);
  const send = (d: Destination) => p.run(d, async () => sends.push({ conversation: d.conversationId, at: clock.now().getTime() - Date.parse('2026-11-24T08:00:00Z') }));
  return { p, clock, sends, send };
}

describe('DeliveryPacer', () => {
  it('sends at most one message a second to one conversation, in order', async () => {
    const { sends, send } = pacer();
    await Promise.all([send(dest('C1')), send(dest('C1')), send(dest('C1'))]);
    expect(sends).toEqual([
      { conversation: 'C1', at: 0 },
      { conversation: 'C1', at: 1000 },
      { conversation: 'C1', at: 2000 },
    ]);
  });

  it('does not hold back other conversations (a morning of DMs goes out in parallel)', async () => {
    const { sends, send } = pacer();
    await Promise.all(['D1', 'D2', 'D3', 'D4'].map((c) => send(dest(c))));
    expect(sends.map((s) => s.at)).toEqual([0, 0, 0, 0]);
  });

  it('holds every send to a workspace for its Retry-After, and no other workspace', async () => {
    const { p, sends, send } = pacer();
    p.pause('W1', 5000);
    await send(dest('C9', 'W2'));
    await send(dest('C1', 'W1'));
    expect(sends).toEqual([
      { conversation: 'C9', at: 0 },
      { conversation: 'C1', at: 5000 },
    ]);
  });
});

describe('mapLimit', () => {
  it('runs at most `limit` at once and keeps the order of results', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
