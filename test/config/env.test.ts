/**
 * The settings as loadEnv reads them: a refused value names its variable (never repeating a value
 * that may hold a password); DATABASE_URL is a SQLite file: URL or a PostgreSQL URL, nothing else;
 * CRM_CURRENCY is an ISO 4217 code.
 */
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../src/config/env.js';
import { DATABASE_URL_FORMS, DatabaseUrlError, parseDatabaseUrl } from '../../src/db/provider.js';

/** The refusal loadEnv throws for `source`. */
function refusal(source: Record<string, string>): EnvError {
  try {
    loadEnv(source);
  } catch (err) {
    if (err instanceof EnvError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(source)}`);
}

describe('DATABASE_URL', () => {
  it.each([
    ['file:./data/crm.db', 'sqlite'],
    ['file:/var/lib/crm/crm.db', 'sqlite'],
    ['postgresql://postgres@127.0.0.1:5432/crm', 'postgresql'],
    ['postgres://crm:secret@db.internal/crm?schema=sales', 'postgresql'],
  ])('reads %s', (url, provider) => {
    const env = loadEnv({ DATABASE_URL: url });
    expect(parseDatabaseUrl(env.DATABASE_URL).provider).toBe(provider);
  });

  it('is file:./data/crm.db when unset', () => {
    expect(loadEnv({}).DATABASE_URL).toBe('file:./data/crm.db');
  });

  it.each([
    ['garbage', 'a bare name or path is not read as a SQLite file'],
    ['/var/lib/crm.db', 'a bare name or path is not read as a SQLite file'],
    ['mysql://root:hunter2@db/crm', 'not a mysql: URL'],
    ['sqlite:crm.db', 'not a sqlite: URL'],
    ['file:', 'has no file path after file:'],
    ['', 'is empty'],
    ['postgresql://', 'has no host'],
    ['postgresql://[bad', 'is not a valid PostgreSQL URL'],
    ['postgresql://postgres@127.0.0.1/crm?schema=bad-name', 'has a ?schema= that is not a plain name'],
  ])('refuses %j, naming DATABASE_URL and what it must be', (url, why) => {
    const err = refusal({ DATABASE_URL: url });
    expect(err.problems).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    expect(err.message).toContain(why);
    expect(err.oneLine()).toMatch(/^Invalid configuration: DATABASE_URL: .* \(see README\.md, "Configuration"\)\.$/);
    expect(err.oneLine()).not.toContain('\n');
    // The value is never repeated: it may hold a password.
    expect(err.message).not.toContain('hunter2');
    if (!DATABASE_URL_FORMS.includes(url)) expect(err.message).not.toContain(url);
  });

  it('is refused by parseDatabaseUrl too, for code that does not go through loadEnv', () => {
    expect(() => parseDatabaseUrl('garbage')).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl('garbage')).toThrow(/^DATABASE_URL must be file:<path>/);
    expect(parseDatabaseUrl(':memory:')).toMatchObject({ provider: 'sqlite', sqlitePath: ':memory:' });
  });
});

describe('CRM_CURRENCY', () => {
  it('reads an ISO 4217 code in any case', () => {
    expect(loadEnv({ CRM_CURRENCY: 'eur' }).CRM_CURRENCY).toBe('EUR');
    expect(loadEnv({ CRM_CURRENCY: ' JPY ' }).CRM_CURRENCY).toBe('JPY');
    expect(loadEnv({}).CRM_CURRENCY).toBe('USD');
  });

  it.each(['XYZ', 'ABC', 'EURO', 'US', '$'])('refuses %j like any other setting, with the others', (code) => {
    const err = refusal({ CRM_CURRENCY: code, CRM_TIMEZONE: 'Mars/Olympus' });
    expect(err.problems).toEqual([
      expect.stringMatching(/^CRM_TIMEZONE: must be an IANA time zone/),
      'CRM_CURRENCY: must be an ISO 4217 currency code such as USD, EUR or GBP',
    ]);
  });
});

describe('NO_COLOR', () => {
  it('turns colours off when set to anything but the empty string (no-color.org)', () => {
    expect(loadEnv({}).NO_COLOR).toBe(false);
    expect(loadEnv({ NO_COLOR: '' }).NO_COLOR).toBe(false);
    expect(loadEnv({ NO_COLOR: '1' }).NO_COLOR).toBe(true);
  });
});

describe('NODE_ENV', () => {
  it('is not a setting of the CRM: any value starts', () => {
    expect(() => loadEnv({ NODE_ENV: 'staging' })).not.toThrow();
  });
});
