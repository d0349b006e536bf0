import { describe, expect, it } from 'vitest';
import type { PersonRef } from '../../../src/bot/commands/intent.js';
import { findMentions, parseMention } from '../../../src/bot/commands/mentions.js';

describe('parseMention', () => {
  it.each<[string, PersonRef | undefined]>([
    ['<@U123ABC|maria>', { userId: 'U123ABC', handle: 'maria' }],
    ['<@U123ABC|Maria>', { userId: 'U123ABC', handle: 'maria' }],
    ['<@U123ABC>', { userId: 'U123ABC' }],
    ['<@W0ENTERPRISE>', { userId: 'W0ENTERPRISE' }],
    ['<@U123ABC|Maria Garcia>', { userId: 'U123ABC' }],
    ['@maria', { handle: 'maria' }],
    ['@Maria', { handle: 'maria' }],
    ['@maria.garcia', { handle: 'maria.garcia' }],
    ['@m_g-2', { handle: 'm_g-2' }],
    ['@maria,', { handle: 'maria' }],
    ['@maria.', { handle: 'maria' }],
    ['@', undefined],
    ['@@maria', undefined],
    ['@ma ria', undefined],
    ['@maría', undefined],
    ['maria', undefined],
    ['<@u123>', undefined],
    ['<#C123|general>', undefined],
    ['<@U123ABC', undefined],
  ])('%j → %j', (token, expected) => {
    expect(parseMention(token)).toEqual(expected);
  });

  it('finds every mention in a text', () => {
    expect(findMentions('ping @ann and <@U1ABC|bob>, not bob')).toEqual([
      { handle: 'ann' },
      { userId: 'U1ABC', handle: 'bob' },
    ]);
  });
});
