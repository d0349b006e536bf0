import { describe, expect, it } from 'vitest';
import { escapeControl, escapeMrkdwn, splitMrkdwn, truncate, truncateMrkdwn } from '../../../../src/bot/slack/blocks/escape.js';

const ZWSP = '\u200B';

describe('escapeMrkdwn', () => {
  it('turns Slack control sequences into visible text', () => {
    const out = escapeMrkdwn('<!channel> <@U123> <https://evil|click> AT&T');
    expect(out).not.toMatch(/[<>]/);
    expect(out).toContain('&lt;!channel&gt;');
    expect(out).toContain('&lt;https://evil|click&gt;');
    expect(out).toContain('AT&amp;T');
  });

  it('keeps every formatting character between zero-width spaces, so none can pair', () => {
    const out = escapeMrkdwn('*bold* _it_ ~gone~ `code`');
    expect(out.replaceAll(ZWSP, '')).toBe('*bold* _it_ ~gone~ `code`');
    expect(out).not.toMatch(/[*_~`](?!\u200B)/);
    expect(out).not.toMatch(/(?<!\u200B)[*_~`]/);
  });

  it('escapeControl leaves intended markup alone', () => {
    expect(escapeControl('`/deal next <ref>` *now*')).toBe('`/deal next &lt;ref&gt;` *now*');
  });
});

describe('truncate', () => {
  it('leaves short text alone and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('Acme', 24)).toBe('Acme');
    const cut = truncate('a'.repeat(100), 24);
    expect(cut).toHaveLength(24);
    expect(cut.endsWith('…')).toBe(true);
  });

  it('never splits an emoji in half', () => {
    const cut = truncate(`${'a'.repeat(22)}😀😀`, 24);
    expect(cut.length).toBeLessThanOrEqual(24);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('truncateMrkdwn', () => {
  it('never leaves half an entity or half a mention behind', () => {
    const text = escapeMrkdwn('&'.repeat(100));
    for (let max = 2; max < 60; max++) {
      const cut = truncateMrkdwn(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replace(/…$/, '')).toMatch(/^(&amp;)*$/);
    }
    expect(truncateMrkdwn('owner <@U0123456789> done', 12)).toBe('owner …');
  });
});

describe('splitMrkdwn', () => {
  it('splits at line breaks into chunks under the limit, losing nothing', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `Line ${i}: ${'word '.repeat(10)}`);
    const chunks = splitMrkdwn(lines.join('\n'), 3000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(3000);
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });

  it('splits a single very long line without cutting an entity', () => {
    const chunks = splitMrkdwn(escapeControl('<x> '.repeat(2000)), 3000);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(3000);
      expect(c).not.toMatch(/&[a-z]*$/);
    }
    expect(chunks.join('')).toBe(escapeControl('<x> '.repeat(2000)));
  });
});
