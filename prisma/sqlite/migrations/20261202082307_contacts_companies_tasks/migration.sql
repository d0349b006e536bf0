-- AlterTable
ALTER TABLE "Contact" ADD COLUMN "idempotencyKey" TEXT;

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
    "decimalMark" TEXT,
    "nextDealNumber" INTEGER NOT NULL DEFAULT 1,
    "nextTaskNumber" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Workspace" ("allowGuests", "allowSharedChannels", "assistantEnabled", "createdAt", "decimalMark", "defaultCurrency", "externalId", "id", "name", "nextDealNumber", "platform", "staleAmountThresholdCents", "staleDays", "timezone", "updatedAt") SELECT "allowGuests", "allowSharedChannels", "assistantEnabled", "createdAt", "decimalMark", "defaultCurrency", "externalId", "id", "name", "nextDealNumber", "platform", "staleAmountThresholdCents", "staleDays", "timezone", "updatedAt" FROM "Workspace";
DROP TABLE "Workspace";
ALTER TABLE "new_Workspace" RENAME TO "Workspace";
CREATE UNIQUE INDEX "Workspace_platform_externalId_key" ON "Workspace"("platform", "externalId");
CREATE TABLE "new_Company" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "domain" TEXT,
    "ownerId" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Company_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Company_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Company" ("createdAt", "domain", "id", "name", "nameKey", "updatedAt", "workspaceId") SELECT "createdAt", "domain", "id", "name", "nameKey", "updatedAt", "workspaceId" FROM "Company";
DROP TABLE "Company";
ALTER TABLE "new_Company" RENAME TO "Company";
CREATE INDEX "Company_workspaceId_nameKey_idx" ON "Company"("workspaceId", "nameKey");
CREATE UNIQUE INDEX "Company_workspaceId_domain_key" ON "Company"("workspaceId", "domain");
CREATE UNIQUE INDEX "Company_workspaceId_idempotencyKey_key" ON "Company"("workspaceId", "idempotencyKey");
CREATE TABLE "new_DealContact" (
    "dealId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "role" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("dealId", "contactId"),
    CONSTRAINT "DealContact_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DealContact_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DealContact" ("contactId", "dealId", "role") SELECT "contactId", "dealId", "role" FROM "DealContact";
DROP TABLE "DealContact";
ALTER TABLE "new_DealContact" RENAME TO "DealContact";
CREATE INDEX "DealContact_contactId_idx" ON "DealContact"("contactId");
CREATE TABLE "new_Activity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "dealId" TEXT,
    "contactId" TEXT,
    "companyId" TEXT,
    "authorId" TEXT,
    "type" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "source" TEXT NOT NULL,
    "sourceUrl" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Activity_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Activity_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Activity_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Activity_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Activity_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Activity" ("authorId", "body", "contactId", "createdAt", "dealId", "id", "idempotencyKey", "occurredAt", "source", "sourceUrl", "type", "workspaceId") SELECT "authorId", "body", "contactId", "createdAt", "dealId", "id", "idempotencyKey", "occurredAt", "source", "sourceUrl", "type", "workspaceId" FROM "Activity";
DROP TABLE "Activity";
ALTER TABLE "new_Activity" RENAME TO "Activity";
CREATE INDEX "Activity_dealId_occurredAt_idx" ON "Activity"("dealId", "occurredAt");
CREATE INDEX "Activity_contactId_occurredAt_idx" ON "Activity"("contactId", "occurredAt");
CREATE INDEX "Activity_companyId_occurredAt_idx" ON "Activity"("companyId", "occurredAt");
CREATE INDEX "Activity_workspaceId_occurredAt_idx" ON "Activity"("workspaceId", "occurredAt");
CREATE UNIQUE INDEX "Activity_workspaceId_idempotencyKey_key" ON "Activity"("workspaceId", "idempotencyKey");
CREATE TABLE "new_Task" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "dealId" TEXT,
    "contactId" TEXT,
    "title" TEXT NOT NULL,
    "dueAt" DATETIME,
    "assigneeId" TEXT,
    "createdById" TEXT,
    "doneAt" DATETIME,
    "idempotencyKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Task_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Task_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Task_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Task_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Task_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- Hand-written: existing tasks get per-workspace numbers T-1, T-2, … in creation order.
INSERT INTO "new_Task" ("assigneeId", "createdAt", "createdById", "dealId", "doneAt", "dueAt", "id", "title", "updatedAt", "workspaceId", "number") SELECT "assigneeId", "createdAt", "createdById", "dealId", "doneAt", "dueAt", "id", "title", "updatedAt", "workspaceId", ROW_NUMBER() OVER (PARTITION BY "workspaceId" ORDER BY "createdAt", "id") FROM "Task";
DROP TABLE "Task";
ALTER TABLE "new_Task" RENAME TO "Task";
CREATE INDEX "Task_workspaceId_doneAt_dueAt_idx" ON "Task"("workspaceId", "doneAt", "dueAt");
CREATE INDEX "Task_workspaceId_assigneeId_doneAt_dueAt_idx" ON "Task"("workspaceId", "assigneeId", "doneAt", "dueAt");
CREATE INDEX "Task_dealId_doneAt_dueAt_idx" ON "Task"("dealId", "doneAt", "dueAt");
CREATE INDEX "Task_contactId_doneAt_idx" ON "Task"("contactId", "doneAt");
CREATE UNIQUE INDEX "Task_workspaceId_number_key" ON "Task"("workspaceId", "number");
CREATE UNIQUE INDEX "Task_workspaceId_idempotencyKey_key" ON "Task"("workspaceId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Contact_workspaceId_ownerId_nameKey_idx" ON "Contact"("workspaceId", "ownerId", "nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_workspaceId_idempotencyKey_key" ON "Contact"("workspaceId", "idempotencyKey");

-- Backfill (hand-written): a deal's next action is now its first open task. Every open, live deal
-- whose next action no open task of it carries yet gets one (assigned to the deal's owner),
-- numbered after the workspace's existing tasks. Times in the driver adapter's format (ISO 8601).
INSERT INTO "Task" ("id", "workspaceId", "number", "dealId", "title", "dueAt", "assigneeId", "createdAt", "updatedAt")
SELECT
  'c' || lower(hex(randomblob(12))),
  d."workspaceId",
  COALESCE((SELECT MAX(t."number") FROM "Task" t WHERE t."workspaceId" = d."workspaceId"), 0)
    + ROW_NUMBER() OVER (PARTITION BY d."workspaceId" ORDER BY d."number"),
  d."id",
  d."nextAction",
  d."nextActionDueAt",
  d."ownerId",
  strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'),
  strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
FROM "Deal" d
WHERE d."status" = 'open' AND d."archived" = false AND d."nextAction" IS NOT NULL AND d."nextAction" <> ''
  AND NOT EXISTS (
    SELECT 1 FROM "Task" t WHERE t."dealId" = d."id" AND t."doneAt" IS NULL AND t."title" = d."nextAction"
  );

-- The mirror: an open, live deal with open tasks shows its first one (earliest due, undated last,
-- then lowest number) as its next action.
UPDATE "Deal" SET
  "nextAction" = (
    SELECT t."title" FROM "Task" t WHERE t."dealId" = "Deal"."id" AND t."doneAt" IS NULL
    ORDER BY t."dueAt" IS NULL, t."dueAt", t."number" LIMIT 1
  ),
  "nextActionDueAt" = (
    SELECT t."dueAt" FROM "Task" t WHERE t."dealId" = "Deal"."id" AND t."doneAt" IS NULL
    ORDER BY t."dueAt" IS NULL, t."dueAt", t."number" LIMIT 1
  )
WHERE "status" = 'open' AND "archived" = false
  AND EXISTS (SELECT 1 FROM "Task" t WHERE t."dealId" = "Deal"."id" AND t."doneAt" IS NULL);

-- Numbering continues after the backfilled tasks.
UPDATE "Workspace" SET "nextTaskNumber" = COALESCE(
  (SELECT MAX(t."number") FROM "Task" t WHERE t."workspaceId" = "Workspace"."id"), 0) + 1;
