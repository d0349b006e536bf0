/** Help about the kinds of words commands share: amounts, dates, references. */

export const AMOUNT_HELP: readonly string[] = [
  'Amounts: 25k, $1.2M, 2.5bn, 25,000, €25k, £3.5k, ¥500000, EUR 25000, 25,000 EUR, 25k eur, USD25k, $25 k, 1,5k, 1 000 000 EUR, 1.000.000 EUR, 25.000,00 EUR.',
  'Without a currency sign or code, the workspace currency is used. Codes are ISO codes (USD, EUR, GBP…): `500 ABC` or `1 BTC` is refused.',
  '1.500 or 1,500 is read the way your workspace writes numbers (EUR workspaces: 1.500 is one thousand five hundred; USD: one and a half), and the answer says how it was read. 1500 or 1.5k is never ambiguous.',
  'A bare number such as 2026 or 25000 is not an amount and stays in the title: write 25k, 25,000 or $25000.',
];

export const DATE_HELP: readonly string[] = [
  'Dates are read in your time zone: today, tomorrow, friday, next friday, in 2 weeks, Dec 1, 1 December 2026, 2026-12-01, end of month.',
  '`friday` is the coming Friday (today if it is Friday). `next friday` is the first Friday after today, so typed on a Tuesday it is that same week\'s Friday, and typed on a Friday it is a week later.',
  'Periods end on their last day: end of week (Friday), end of quarter, end of year, Q1 (the next Q1 to end), Q3 2027, next quarter. Also: in 10 days, in 3 months, 1.12.2026 (day.month.year).',
  'Words after `close` or `by` that look like a date but are not one (`close someday`, `by 2026-02-30`) are refused, never kept in the title. A date in the past is kept, with a warning.',
];

export const REF_HELP: readonly string[] = [
  'Deals are referred to as D-42 (d-42, d42 and #42 work too). Find a deal\'s reference with `/deal <search text>`.',
];

export const TASK_REF_HELP: readonly string[] = [
  'Tasks are referred to as T-3 (t-3 and t3 work too). `/deal tasks` lists yours with their references.',
];
