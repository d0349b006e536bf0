/**
 * Progress of a backup, restore or export: a bar redrawn in place on a terminal, plain lines on a
 * pipe (one per table as it finishes, one every few seconds inside a large table).
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamProgress } from '../../src/data/progress.js';

function sink(isTTY: boolean): { out: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY },
  );
  return { out, text: () => text };
}

describe('progress', () => {
  it('on a pipe: a line per table, and a line every 5 s inside a long one', () => {
    const { out, text } = sink(false);
    let now = 0;
    const p = streamProgress(out, 'backed up', () => now);
    p.begin(12_000);
    p.table('Workspace', 1);
    p.advance(1);
    p.table('Deal', 11_999);
    now = 1_000;
    p.advance(5_000);
    now = 6_000;
    p.advance(5_000);
    p.advance(1_999);
    p.end();
    expect(text()).toBe(
      'Workspace: 1 row backed up (0% of 12,000)\n' +
        'Deal: 10,000 of 11,999 rows backed up\n' +
        'Deal: 11,999 rows backed up (100% of 12,000)\n',
    );
  });

  it('on a terminal: one bar redrawn in place, ended by a line break', () => {
    const { out, text } = sink(true);
    let now = 0;
    const p = streamProgress(out, 'restored', () => now);
    p.begin(200);
    p.table('Deal', 200);
    now = 500;
    p.advance(100);
    now = 1_000;
    p.advance(100);
    p.end();
    const frames = text().split('\r\x1b[K').filter(Boolean);
    expect(frames.at(-1)).toBe('[########################] 100% 200/200 rows\n');
    expect(frames).toContain('[############............] 50% 100/200 rows  Deal');
    expect(text()).not.toMatch(/\n(?!$)/); // no line until the end
  });
});
