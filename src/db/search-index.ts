/**
 * Tables the migrations make that schema.prisma does not describe: on SQLite, the FTS5 trigram
 * index of contact search (`ContactSearch`, migration `*_contact_search_fts`) and the shadow
 * tables FTS5 keeps it in. Prisma cannot declare virtual tables, so every schema diff is told to
 * leave them alone (`MIGRATION_FILTERS`), and backups skip them: the triggers rebuild them from
 * Contact on restore (docs/database.md, "Searching contacts and companies").
 */
export const SEARCH_INDEX_TABLES = [
  'ContactSearch',
  'ContactSearch_data',
  'ContactSearch_idx',
  'ContactSearch_docsize',
  'ContactSearch_config',
] as const;

/** The filters every schema-engine diff, introspection and apply takes. */
export const MIGRATION_FILTERS = { externalTables: [...SEARCH_INDEX_TABLES], externalEnums: [] as string[] };
