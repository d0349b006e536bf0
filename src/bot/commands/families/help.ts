/** `/deal help [command]`: the reference, built from the command table. */
import { defineCommand } from '../command.js';
import { helpText } from '../help.js';
import { ok } from '../grammar/state.js';

export interface HelpIntent {
  kind: 'help';
  topic?: string;
}

export const helpCommand = defineCommand<HelpIntent>({
  kind: 'help',
  words: ['help', '?'],
  group: 'Help',
  usage: '/deal help [command]',
  summary: 'This reference, or the details of one command.',
  example: '/deal help new',
  details: ['Also: `/deal help amounts`, `/deal help dates`.'],
  parse({ tokens }) {
    let words = tokens.slice(1).map((t) => t.text.toLowerCase());
    if (words[0] === '/deal' || words[0] === 'deal') words = words.slice(1);
    const topic = words.join(' ').replace(/^\//, '').trim();
    return topic === '' ? ok<HelpIntent>({ kind: 'help' }) : ok<HelpIntent>({ kind: 'help', topic: topic.slice(0, 50) });
  },
  fits: ({ tokens, commandWords }) =>
    tokens.length === 1 || (tokens.length === 2 && commandWords.has(tokens[1]?.text.toLowerCase() ?? '')) ? 1 : 0,
  run: async (_ctx, intent, prefix) => ({
    kind: 'help',
    text: prefix === '/deal' ? helpText(intent.topic) : helpText(intent.topic).replaceAll('/deal', prefix),
  }),
});
