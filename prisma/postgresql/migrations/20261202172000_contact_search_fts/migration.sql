-- Nothing to do on PostgreSQL. The SQLite migration of the same name adds a trigram index (FTS5)
-- for contact search, and PostgreSQL reads the name and email indexes of Contact as before (see
-- docs/database.md, section "Searching contacts and companies"). This file keeps both folders
-- listing the same migrations.
SELECT 1;
