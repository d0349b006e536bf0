-- DropIndex
DROP INDEX "Deal_workspaceId_status_lastActivityAt_idx";

-- DropIndex
DROP INDEX "Deal_workspaceId_status_nextActionDueAt_idx";

-- DropIndex
DROP INDEX "Deal_workspaceId_ownerId_status_updatedAt_idx";

-- DropIndex
DROP INDEX "Deal_workspaceId_stageId_updatedAt_idx";

-- DropIndex
DROP INDEX "Deal_workspaceId_status_updatedAt_idx";

-- DropIndex
DROP INDEX "Deal_workspaceId_status_closedAt_idx";

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "archived" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Deal_live_status_updated_idx" ON "Deal"("workspaceId", "status", "archived", "updatedAt");

-- CreateIndex
CREATE INDEX "Deal_live_owner_updated_idx" ON "Deal"("workspaceId", "ownerId", "status", "archived", "updatedAt");

-- CreateIndex
CREATE INDEX "Deal_live_stage_updated_idx" ON "Deal"("workspaceId", "stageId", "archived", "updatedAt");

-- CreateIndex
CREATE INDEX "Deal_live_search_idx" ON "Deal"("workspaceId", "archived", "updatedAt", "searchText");

-- CreateIndex
CREATE INDEX "Deal_live_stale_idx" ON "Deal"("workspaceId", "status", "archived", "lastActivityAt", "snoozedUntil");

-- CreateIndex
CREATE INDEX "Deal_live_due_idx" ON "Deal"("workspaceId", "status", "archived", "nextActionDueAt");

-- CreateIndex
CREATE INDEX "Deal_live_pipeline_idx" ON "Deal"("workspaceId", "status", "archived", "stageId", "currency", "amountCents");

-- CreateIndex
CREATE INDEX "Deal_live_closed_idx" ON "Deal"("workspaceId", "status", "archived", "closedAt", "stageId", "currency", "amountCents", "salesCycleDays");

-- Backfill: deals archived before the flag existed.
UPDATE "Deal" SET "archived" = true WHERE "archivedAt" IS NOT NULL;
