/** A backup, restore or export that cannot go on: the message is one line a person acts on. */
export class DataError extends Error {
  override name = 'DataError';
}
