-- CreateTable
CREATE TABLE "InboxItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'done',
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Workspace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "defaultCurrency" TEXT NOT NULL DEFAULT 'USD',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "staleDays" INTEGER NOT NULL DEFAULT 14,
    "staleAmountThresholdCents" BIGINT,
    "assistantEnabled" BOOLEAN NOT NULL DEFAULT true,
    "allowGuests" BOOLEAN NOT NULL DEFAULT false,
    "allowSharedChannels" BOOLEAN NOT NULL DEFAULT false,
    "nextDealNumber" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Workspace" ("assistantEnabled", "createdAt", "defaultCurrency", "externalId", "id", "name", "nextDealNumber", "platform", "staleAmountThresholdCents", "staleDays", "timezone", "updatedAt") SELECT "assistantEnabled", "createdAt", "defaultCurrency", "externalId", "id", "name", "nextDealNumber", "platform", "staleAmountThresholdCents", "staleDays", "timezone", "updatedAt" FROM "Workspace";
DROP TABLE "Workspace";
ALTER TABLE "new_Workspace" RENAME TO "Workspace";
CREATE UNIQUE INDEX "Workspace_platform_externalId_key" ON "Workspace"("platform", "externalId");
CREATE TABLE "new_Member" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "handle" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "email" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "nudgesEnabled" BOOLEAN NOT NULL DEFAULT true,
    "nudgeMinute" INTEGER NOT NULL DEFAULT 540,
    "quietStartMinute" INTEGER NOT NULL DEFAULT 1140,
    "quietEndMinute" INTEGER NOT NULL DEFAULT 480,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deactivated" DATETIME,
    "access" TEXT NOT NULL DEFAULT 'member',
    "platformAdmin" BOOLEAN NOT NULL DEFAULT false,
    "profileCheckedAt" DATETIME,
    CONSTRAINT "Member_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Member" ("createdAt", "deactivated", "displayName", "email", "externalId", "handle", "id", "nudgeMinute", "nudgesEnabled", "quietEndMinute", "quietStartMinute", "timezone", "updatedAt", "workspaceId") SELECT "createdAt", "deactivated", "displayName", "email", "externalId", "handle", "id", "nudgeMinute", "nudgesEnabled", "quietEndMinute", "quietStartMinute", "timezone", "updatedAt", "workspaceId" FROM "Member";
DROP TABLE "Member";
ALTER TABLE "new_Member" RENAME TO "Member";
CREATE INDEX "Member_workspaceId_handle_idx" ON "Member"("workspaceId", "handle");
CREATE UNIQUE INDEX "Member_workspaceId_externalId_key" ON "Member"("workspaceId", "externalId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "InboxItem_key_key" ON "InboxItem"("key");

-- CreateIndex
CREATE INDEX "InboxItem_receivedAt_idx" ON "InboxItem"("receivedAt");
