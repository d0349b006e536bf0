/**
 * Issue 12, point 4: titles, names, next actions, lost reasons and activity bodies are cleaned
 * once in the domain, the same on SQLite and PostgreSQL (run with TEST_DATABASE_URL for the
 * latter): control characters and bidi overrides removed, whitespace normalised, quotes kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Reply } from '../../src/bot/commands/execute.js';
import { DomainErrorCode } from '../../src/domain/index.js';
import { cleanBody, cleanLine } from '../../src/domain/shared/text.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
const NUL = '\u0000';
const BEL = '\u0007';
const ESC = '\u001b';
const DEL = '\u007f';
const RLO = '\u202e'; // right-to-left override
const PDF = '\u202c'; // pop directional formatting
const LRI = '\u2066'; // left-to-right isolate
const PDI = '\u2069'; // pop directional isolate
const INJECTION = `'; DROP TABLE "Deal"; --`;

describe('cleanLine and cleanBody', () => {
  it.each([
    [`Acme${NUL} renewal`, 'Acme renewal'],
    [`${ESC}[31mRed${ESC}[0m deal${BEL}`, '[31mRed[0m deal'],
    [`in${DEL}voice \u0085 two`, 'invoice two'],
    [`${RLO}fdp.exe${PDF} and ${LRI}isolated${PDI}`, 'fdp.exe and isolated'],
    ['  tabs\tand\r\nlines \u2028 and\u00a0nbsp  ', 'tabs and lines and nbsp'],
    [INJECTION, INJECTION],
    [`“curly” ‘quotes’ «guillemets» and "straight" 'ones'`, `“curly” ‘quotes’ «guillemets» and "straight" 'ones'`],
    ['Müller & Söhne — 50% <off>', 'Müller & Söhne — 50% <off>'],
    [`${NUL}${BEL}${RLO}   `, ''],
  ])('line %j → %j', (input, expected) => {
    expect(cleanLine(input)).toBe(expected);
  });

  it.each([
    [`Line one\r\n\r\n\r\n\tLine  two${BEL}  `, 'Line one\n\nLine two'],
    [`He said "no"${NUL}\rThen:\u2029 ${RLO}call back`, 'He said "no"\nThen:\ncall back'],
    ['  \n\n  only  this \n\n', 'only this'],
  ])('body %j → %j', (input, expected) => {
    expect(cleanBody(input)).toBe(expected);
  });
});

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

/** The row as the database holds it, read back (not the view the write returned). */
const stored = (id: string) => t.handle.db.deal.findUniqueOrThrow({ where: { id } });

describe(`text is stored cleaned (${DB})`, () => {
  it('a title, company name, next action and lost reason with NUL, ESC, BEL and bidi overrides', async () => {
    const { deal } = await t.crm.deals.create(w.alice, {
      title: `Acme${NUL} ${ESC}renewal${BEL}\t2027`,
      companyName: `${RLO}Acme${PDF}  Corp${NUL}`,
      nextAction: `call${NUL}\nAna`,
    });
    expect(deal).toMatchObject({ title: 'Acme renewal 2027', company: { name: 'Acme Corp' }, nextAction: { text: 'call Ana' } });
    await t.crm.deals.setNextAction(w.alice, deal.ref, { action: `send ${LRI}the${PDI} "final" quote${NUL}` });
    await t.crm.deals.markLost(w.alice, deal.ref, `went with\u0000 a competitor ${RLO}(cheaper)`);
    const row = await stored(deal.id);
    expect(row).toMatchObject({ title: 'Acme renewal 2027', lostReason: 'went with a competitor (cheaper)', searchText: 'acme renewal 2027 acme corp' });
    const detail = await t.crm.deals.get(w.alice, deal.ref);
    expect(detail.timeline.map((e) => e.to)).toContain('send the "final" quote');
  });

  it('keeps quotes and apostrophes exactly as typed', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: INJECTION, nextAction: `ask "Bob" about O'Brien's budget` });
    const row = await stored(deal.id);
    expect(row.title).toBe(INJECTION);
    expect(row.nextAction).toBe(`ask "Bob" about O'Brien's budget`);
    expect((await t.crm.deals.find(w.alice, '"deal"')).items.map((d) => d.id)).toEqual([deal.id]);
  });

  it('an activity body keeps its lines, without controls', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Body test' });
    const { activity } = await t.crm.activities.log(w.alice, {
      deal: deal.ref,
      type: 'note',
      body: `Met Ana.${BEL}\r\n\r\n\r\n  She said${NUL} "yes"  to ${RLO}phase 2\r\nNext: contract`,
    });
    expect(activity.body).toBe('Met Ana.\n\nShe said "yes" to phase 2\nNext: contract');
  });

  it('contact names and job titles, company names and task titles', async () => {
    const contact = await t.crm.contacts.create(w.alice, { name: `Ana${NUL}  Silva${RLO}`, title: `${BEL}  `, companyName: `Silva${ESC} & Co` });
    expect(contact).toMatchObject({ name: 'Ana Silva', title: null, company: { name: 'Silva & Co' } });
    const company = await t.crm.companies.create(w.alice, { name: `${LRI}Globex${PDI}\u0000 Ltd` });
    expect(company.name).toBe('Globex Ltd');
    const { task } = await t.crm.tasks.create(w.alice, { title: `Call${NUL}\n back` });
    expect(task.title).toBe('Call back');
  });

  it('text that is only controls and spaces is empty, and refused as such', async () => {
    await expect(t.crm.deals.create(w.alice, { title: `${NUL}${BEL} ${RLO}` })).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: 'Title: a deal needs a title',
    });
  });
});

describe('limits are counted after cleaning and stated as applied', () => {
  it('a title of 200 characters plus controls is kept; 201 characters is refused with "at most 200 characters"', async () => {
    const title = 'x'.repeat(200);
    const { deal } = await t.crm.deals.create(w.alice, { title: `${NUL}${title}${BEL}${RLO}` });
    expect(deal.title).toBe(title);
    await expect(t.crm.deals.create(w.alice, { title: `${title}y` })).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: 'Title: at most 200 characters',
    });
  });

  it.each([
    ['a next action', () => t.crm.deals.create(w.alice, { title: 'Limits', nextAction: 'n'.repeat(501) }), 'Next action: at most 500 characters'],
    ['a company name', () => t.crm.companies.create(w.alice, { name: 'c'.repeat(201) }), 'Name: at most 200 characters'],
    ['a contact name', () => t.crm.contacts.create(w.alice, { name: 'c'.repeat(201) }), 'Name: at most 200 characters'],
    ['a deal’s company', () => t.crm.deals.create(w.alice, { title: 'Limits', companyName: 'c'.repeat(201) }), 'Company: at most 200 characters'],
    ['a task title', () => t.crm.tasks.create(w.alice, { title: 't'.repeat(501) }), 'Title: at most 500 characters'],
  ])('%s', async (_what, write, message) => {
    await expect(write()).rejects.toMatchObject({ code: DomainErrorCode.InvalidInput, message });
  });

  it('a lost reason and an activity body', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Limits 2' });
    await expect(t.crm.activities.log(w.alice, { deal: deal.ref, type: 'note', body: 'b'.repeat(4001) })).rejects.toMatchObject({
      message: 'Text: at most 4,000 characters',
    });
    await expect(t.crm.deals.markLost(w.alice, deal.ref, 'r'.repeat(501))).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: 'Lost reason: at most 500 characters',
    });
  });
});

describe(`control characters through the command (${DB})`, () => {
  const run = (text: string): Promise<Reply> =>
    executeCommand({ crm: t.crm, actor: w.alice, surface: 'console', log: silentLogger }, text);

  it('NUL, ESC, BEL and bidi overrides in a new deal, a next action, a note, a lost reason and a search: stored clean, never "something went wrong"', async () => {
    const created = await run(`new Null${NUL}byte ${RLO}deal${PDF}`);
    expect(created).toMatchObject({ kind: 'deal', deal: { title: 'Nullbyte deal' } });
    if (created.kind !== 'deal') return;
    const ref = created.deal.ref;
    expect(await run(`next ${ref} call${BEL} Ana${NUL}`)).toMatchObject({ kind: 'deal', deal: { nextAction: { text: 'call Ana' } } });
    expect(await run(`log ${ref} note said ${ESC}[1m"maybe"${NUL}`)).toMatchObject({ kind: 'deal', headline: `Logged a note on ${ref}.` });
    expect(await run(`nullbyte${NUL}`)).toMatchObject({ kind: 'deal', deal: { ref } });
    expect(await run(`lost ${ref} too${NUL} "expensive"`)).toMatchObject({ kind: 'deal', deal: { lostReason: 'too "expensive"' } });
    const row = await stored(created.deal.id);
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(`${row.title}${row.lostReason}`).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
    const notes = await t.crm.activities.list(w.alice, { deal: ref });
    expect(notes.map((a) => a.body)).toEqual(['said [1m"maybe"']);
  });
});
