/**
 * The Teams app's command menus (app-package/manifest.json) hold to the command table: every entry
 * is a command the grammar knows, within Teams' limits, and a personal chat offers the roles
 * commands (`deal admins`, `deal role`), where people ask who administers the CRM.
 */
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../../src/bot/teams/app-package/build.js';
import { COMMAND_WORDS } from '../../../src/bot/commands/table.js';

interface MenuList {
  scopes: string[];
  commands: { title: string; description: string }[];
}
const lists = (JSON.parse(readTemplate()) as { bots: { commandLists: MenuList[] }[] }).bots[0]!.commandLists;
const titles = (scope: string) => lists.find((l) => l.scopes.includes(scope))!.commands.map((c) => c.title);

describe('the Teams command menus', () => {
  it('offer only commands of the table, as `deal <word> …`', () => {
    for (const list of lists) {
      for (const { title } of list.commands) {
        const [prefix, word] = title.split(' ');
        expect(prefix, title).toBe('deal');
        expect(COMMAND_WORDS.has(word!), `${title}: "${word}" is a command word of the table`).toBe(true);
      }
    }
  });

  it('offer deal admins and deal role in a personal chat, within Teams’ 10 commands', () => {
    expect(titles('personal')).toEqual(expect.arrayContaining(['deal admins', 'deal role']));
    for (const list of lists) expect(list.commands.length).toBeLessThanOrEqual(10);
  });
});
