-- Contact search by part of a name or email (docs/database.md, "Searching contacts and companies").
-- SQLite only, and not in schema.prisma (Prisma cannot declare virtual tables or triggers): an
-- FTS5 index of trigrams over Contact's nameKey and email, kept by the triggers below. The search
-- asks it which contacts contain the text (at least three characters) instead of reading every
-- contact's name, and the rows it names are checked again against Contact. It holds no copy of the
-- text (external content: content='Contact'), only the index.
CREATE VIRTUAL TABLE "ContactSearch" USING fts5("nameKey", "email", content='Contact', tokenize='trigram');

INSERT INTO "ContactSearch"("ContactSearch") VALUES ('rebuild');

CREATE TRIGGER "Contact_search_insert" AFTER INSERT ON "Contact" BEGIN
  INSERT INTO "ContactSearch"(rowid, "nameKey", "email") VALUES (new.rowid, new."nameKey", new."email");
END;

CREATE TRIGGER "Contact_search_delete" AFTER DELETE ON "Contact" BEGIN
  INSERT INTO "ContactSearch"("ContactSearch", rowid, "nameKey", "email") VALUES ('delete', old.rowid, old."nameKey", old."email");
END;

CREATE TRIGGER "Contact_search_update" AFTER UPDATE OF "nameKey", "email" ON "Contact" BEGIN
  INSERT INTO "ContactSearch"("ContactSearch", rowid, "nameKey", "email") VALUES ('delete', old.rowid, old."nameKey", old."email");
  INSERT INTO "ContactSearch"(rowid, "nameKey", "email") VALUES (new.rowid, new."nameKey", new."email");
END;
