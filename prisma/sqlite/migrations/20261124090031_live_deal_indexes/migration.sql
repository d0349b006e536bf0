-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Deal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "searchText" TEXT NOT NULL,
    "amountCents" BIGINT,
    "currency" TEXT NOT NULL,
    "pipelineId" TEXT NOT NULL,
    "stageId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "ownerId" TEXT,
    "companyId" TEXT,
    "expectedCloseDate" DATETIME,
    "nextAction" TEXT,
    "nextActionDueAt" DATETIME,
    "lastActivityAt" DATETIME NOT NULL,
    "stageChangedAt" DATETIME NOT NULL,
    "closedAt" DATETIME,
    "salesCycleDays" INTEGER,
    "lostReason" TEXT,
    "archivedAt" DATETIME,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "snoozedUntil" DATETIME,
    "idempotencyKey" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Deal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Deal_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "Pipeline" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Deal_stageId_fkey" FOREIGN KEY ("stageId") REFERENCES "Stage" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Deal_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Deal_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Deal_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Deal" ("amountCents", "archivedAt", "closedAt", "companyId", "createdAt", "createdById", "currency", "expectedCloseDate", "id", "idempotencyKey", "lastActivityAt", "lostReason", "nextAction", "nextActionDueAt", "number", "ownerId", "pipelineId", "salesCycleDays", "searchText", "snoozedUntil", "stageChangedAt", "stageId", "status", "title", "updatedAt", "workspaceId") SELECT "amountCents", "archivedAt", "closedAt", "companyId", "createdAt", "createdById", "currency", "expectedCloseDate", "id", "idempotencyKey", "lastActivityAt", "lostReason", "nextAction", "nextActionDueAt", "number", "ownerId", "pipelineId", "salesCycleDays", "searchText", "snoozedUntil", "stageChangedAt", "stageId", "status", "title", "updatedAt", "workspaceId" FROM "Deal";
DROP TABLE "Deal";
ALTER TABLE "new_Deal" RENAME TO "Deal";
CREATE INDEX "Deal_live_status_updated_idx" ON "Deal"("workspaceId", "status", "archived", "updatedAt");
CREATE INDEX "Deal_live_owner_updated_idx" ON "Deal"("workspaceId", "ownerId", "status", "archived", "updatedAt");
CREATE INDEX "Deal_live_stage_updated_idx" ON "Deal"("workspaceId", "stageId", "archived", "updatedAt");
CREATE INDEX "Deal_live_search_idx" ON "Deal"("workspaceId", "archived", "updatedAt", "searchText");
CREATE INDEX "Deal_live_stale_idx" ON "Deal"("workspaceId", "status", "archived", "lastActivityAt", "snoozedUntil");
CREATE INDEX "Deal_live_due_idx" ON "Deal"("workspaceId", "status", "archived", "nextActionDueAt");
CREATE INDEX "Deal_live_pipeline_idx" ON "Deal"("workspaceId", "status", "archived", "stageId", "currency", "amountCents");
CREATE INDEX "Deal_live_closed_idx" ON "Deal"("workspaceId", "status", "archived", "closedAt", "stageId", "currency", "amountCents", "salesCycleDays");
CREATE UNIQUE INDEX "Deal_workspaceId_number_key" ON "Deal"("workspaceId", "number");
CREATE UNIQUE INDEX "Deal_workspaceId_idempotencyKey_key" ON "Deal"("workspaceId", "idempotencyKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Backfill: deals archived before the flag existed.
UPDATE "Deal" SET "archived" = true WHERE "archivedAt" IS NOT NULL;
