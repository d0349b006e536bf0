/**
 * Dates keep their calendar day in every time zone: the same file imported on a machine at
 * UTC+14, UTC−10 and UTC+5:45 stores the close and due dates written in it (midnight UTC of that
 * day, as every calendar date is stored) and the instants it names exactly.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toDateOnly } from '../../../src/domain/shared/dates.js';
import { importWorld, type ImportWorld } from './helpers.js';

let w: ImportWorld;
const zoneBefore = process.env.TZ;
beforeAll(async () => {
  w = await importWorld();
});
afterAll(async () => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
  await w?.t.cleanup();
});

const file = (zone: string) =>
  [
    'ID,Title,Stage,Amount,Currency,Close date,Next action,Next action due,Created',
    `${zone}-1,Deal A ${zone},New,10,USD,2026-03-14,Call,2026-03-15,2026-03-14 23:30`,
    `${zone}-2,Deal B ${zone},New,10,USD,2026-03-14 23:59,,,2026-03-14T23:30:00-10:00`,
    `${zone}-3,Deal C ${zone},New,10,USD,2026-03-14T00:30:00+14:00,,,2026-03-14`,
  ].join('\r\n');

it.each(['Pacific/Kiritimati', 'America/Adak', 'Asia/Kathmandu', 'UTC'])('on a machine in %s', async (zone) => {
  process.env.TZ = zone;
  const offset = new Date('2026-03-14T12:00:00Z').getTimezoneOffset();
  expect(offset).toBe({ 'Pacific/Kiritimati': -840, 'America/Adak': 540, 'Asia/Kathmandu': -345, UTC: 0 }[zone]);
  const done = await w.crm.imports.run({ actor: w.alice, fileName: `${zone}.csv`, input: file(zone) });
  expect([done.create, done.bad]).toEqual([3, 0]);
  const deals = await w.crm.db.deal.findMany({ where: { workspaceId: w.workspaceId, title: { endsWith: zone } }, orderBy: { title: 'asc' } });
  expect(deals.map((d) => [d.expectedCloseDate && toDateOnly(d.expectedCloseDate), d.expectedCloseDate?.toISOString(), d.nextActionDueAt?.toISOString() ?? null, d.createdAt.toISOString()])).toEqual([
    ['2026-03-14', '2026-03-14T00:00:00.000Z', '2026-03-15T00:00:00.000Z', '2026-03-14T23:30:00.000Z'],
    ['2026-03-14', '2026-03-14T00:00:00.000Z', null, '2026-03-15T09:30:00.000Z'],
    ['2026-03-14', '2026-03-14T00:00:00.000Z', null, '2026-03-14T00:00:00.000Z'],
  ]);
  // What a person reads: the deal card's close date is the day in the file.
  const card = await w.crm.deals.get(w.alice, deals[0]!.id);
  expect(card.expectedCloseDate).toBe('2026-03-14');
});
