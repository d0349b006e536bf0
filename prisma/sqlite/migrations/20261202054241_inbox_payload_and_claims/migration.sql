-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InboxItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'done',
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME,
    "payload" TEXT,
    "claimedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "detail" TEXT
);
INSERT INTO "new_InboxItem" ("doneAt", "id", "key", "kind", "receivedAt", "status") SELECT "doneAt", "id", "key", "kind", "receivedAt", "status" FROM "InboxItem";
DROP TABLE "InboxItem";
ALTER TABLE "new_InboxItem" RENAME TO "InboxItem";
CREATE UNIQUE INDEX "InboxItem_key_key" ON "InboxItem"("key");
CREATE INDEX "InboxItem_receivedAt_idx" ON "InboxItem"("receivedAt");
CREATE INDEX "InboxItem_status_claimedAt_idx" ON "InboxItem"("status", "claimedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
