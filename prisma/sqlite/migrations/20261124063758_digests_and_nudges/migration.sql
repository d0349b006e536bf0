-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "staleAmountThresholdCents" BIGINT;

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN "snoozedUntil" DATETIME;

-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "minuteOfDay" INTEGER NOT NULL DEFAULT 540,
    "days" TEXT NOT NULL DEFAULT 'weekdays',
    "timezone" TEXT NOT NULL,
    "whenEmpty" TEXT NOT NULL DEFAULT 'all_clear',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DigestSubscription_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DeliveryLedger" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "claimToken" TEXT NOT NULL,
    "claimedAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "nextAttemptAt" DATETIME,
    "sendingAt" DATETIME,
    "periodStart" DATETIME,
    "periodEnd" DATETIME,
    "messageId" TEXT,
    "conversationId" TEXT,
    "detail" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DeliveryLedger_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    CONSTRAINT "Member_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Member" ("createdAt", "deactivated", "displayName", "email", "externalId", "handle", "id", "timezone", "updatedAt", "workspaceId") SELECT "createdAt", "deactivated", "displayName", "email", "externalId", "handle", "id", "timezone", "updatedAt", "workspaceId" FROM "Member";
DROP TABLE "Member";
ALTER TABLE "new_Member" RENAME TO "Member";
CREATE INDEX "Member_workspaceId_handle_idx" ON "Member"("workspaceId", "handle");
CREATE UNIQUE INDEX "Member_workspaceId_externalId_key" ON "Member"("workspaceId", "externalId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DigestSubscription_platform_idx" ON "DigestSubscription"("platform");

-- CreateIndex
CREATE UNIQUE INDEX "DigestSubscription_workspaceId_conversationId_key" ON "DigestSubscription"("workspaceId", "conversationId");

-- CreateIndex
CREATE INDEX "DeliveryLedger_kind_localDate_idx" ON "DeliveryLedger"("kind", "localDate");

-- CreateIndex
CREATE INDEX "DeliveryLedger_createdAt_idx" ON "DeliveryLedger"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryLedger_kind_subject_localDate_key" ON "DeliveryLedger"("kind", "subject", "localDate");
