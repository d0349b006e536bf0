/**
 * Values in a backup file: plain JSON, lossless for every column type backups support.
 *
 * | type     | in the database             | in the file                                   |
 * |----------|-----------------------------|-----------------------------------------------|
 * | String   | text                        | a JSON string                                 |
 * | Int      | 32-bit integer              | a JSON number                                 |
 * | BigInt   | 64-bit integer              | a JSON string of decimal digits ("-12")       |
 * | Float    | double                      | a JSON number; "NaN", "Infinity", "-Infinity", "-0" |
 * | Boolean  | boolean (SQLite: 0 or 1)    | true or false                                 |
 * | DateTime | instant, millisecond        | an ISO 8601 UTC string, "2026-11-24T10:00:00.000Z" |
 *
 * and null as null. Decoding is driven by the column types the file's header records, so a file
 * is read the same whatever database wrote it.
 */
import type { ColumnType } from './catalog.js';

/** A value as read from either database (drivers differ: SQLite gives 0/1, bigints for pragmas). */
export function normalize(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'String':
      return String(value);
    case 'Int':
      return Number(value);
    case 'BigInt':
      return typeof value === 'bigint' ? value : BigInt(value as string | number);
    case 'Float':
      return Number(value);
    case 'Boolean':
      return value === true || value === 1 || value === 1n || value === '1' || value === 'true';
    case 'DateTime':
      return value instanceof Date ? value : new Date(value as string | number);
  }
}

/** A normalized value as it goes in the file. */
export function encode(type: ColumnType, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case 'BigInt':
      return (value as bigint).toString();
    case 'Float': {
      const n = value as number;
      return Object.is(n, -0) ? '-0' : Number.isFinite(n) ? n : String(n);
    }
    case 'DateTime': {
      const d = value as Date;
      if (Number.isNaN(d.getTime())) throw new CodecError(`an invalid date`);
      return d.toISOString();
    }
    default:
      return value;
  }
}

/** A value from the file, typed for the database driver (Date, bigint, boolean, number, string). */
export function decode(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'String':
      if (typeof value !== 'string') throw new CodecError(`${JSON.stringify(value)} is not a string`);
      return value;
    case 'Int':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new CodecError(`${JSON.stringify(value)} is not an integer`);
      return value;
    case 'BigInt':
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new CodecError(`${JSON.stringify(value)} is not a big integer in a string`);
      return BigInt(value);
    case 'Float':
      if (typeof value === 'number') return value;
      if (value === 'NaN' || value === 'Infinity' || value === '-Infinity' || value === '-0') return Number(value);
      throw new CodecError(`${JSON.stringify(value)} is not a number`);
    case 'Boolean':
      if (typeof value !== 'boolean') throw new CodecError(`${JSON.stringify(value)} is not true or false`);
      return value;
    case 'DateTime': {
      const d = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) ? new Date(value) : undefined;
      if (!d || Number.isNaN(d.getTime())) throw new CodecError(`${JSON.stringify(value)} is not an ISO 8601 UTC time`);
      return d;
    }
  }
}

export class CodecError extends Error {
  override name = 'CodecError';
}
