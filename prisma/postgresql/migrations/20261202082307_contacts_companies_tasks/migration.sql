-- DropIndex
DROP INDEX "Task_dealId_idx";

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "nextTaskNumber" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Company" ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "ownerId" TEXT;

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "idempotencyKey" TEXT;

-- AlterTable
ALTER TABLE "DealContact" ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Activity" ADD COLUMN     "companyId" TEXT;

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "contactId" TEXT,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "number" INTEGER;

-- Backfill (hand-written): existing tasks get per-workspace numbers T-1, T-2, … in creation order.
UPDATE "Task" AS t SET "number" = n."rn"
FROM (
  SELECT "id", ROW_NUMBER() OVER (PARTITION BY "workspaceId" ORDER BY "createdAt", "id") AS "rn" FROM "Task"
) AS n
WHERE t."id" = n."id";

-- Backfill (hand-written): a deal's next action is now its first open task. Every open, live deal
-- whose next action no open task of it carries yet gets one (assigned to the deal's owner),
-- numbered after the workspace's existing tasks.
INSERT INTO "Task" ("id", "workspaceId", "number", "dealId", "title", "dueAt", "assigneeId", "createdAt", "updatedAt")
SELECT
  'c' || substr(md5(random()::text || clock_timestamp()::text || d."id"), 1, 24),
  d."workspaceId",
  COALESCE((SELECT MAX(t."number") FROM "Task" t WHERE t."workspaceId" = d."workspaceId"), 0)
    + ROW_NUMBER() OVER (PARTITION BY d."workspaceId" ORDER BY d."number"),
  d."id",
  d."nextAction",
  d."nextActionDueAt",
  d."ownerId",
  CURRENT_TIMESTAMP,
  CURRENT_TIMESTAMP
FROM "Deal" d
WHERE d."status" = 'open' AND d."archived" = false AND d."nextAction" IS NOT NULL AND d."nextAction" <> ''
  AND NOT EXISTS (
    SELECT 1 FROM "Task" t WHERE t."dealId" = d."id" AND t."doneAt" IS NULL AND t."title" = d."nextAction"
  );

-- The mirror: an open, live deal with open tasks shows its first one (earliest due, undated last,
-- then lowest number) as its next action.
UPDATE "Deal" AS d SET "nextAction" = f."title", "nextActionDueAt" = f."dueAt"
FROM (
  SELECT DISTINCT ON (t."dealId") t."dealId", t."title", t."dueAt"
  FROM "Task" t
  WHERE t."dealId" IS NOT NULL AND t."doneAt" IS NULL
  ORDER BY t."dealId", t."dueAt" ASC NULLS LAST, t."number" ASC
) AS f
WHERE d."id" = f."dealId" AND d."status" = 'open' AND d."archived" = false;

-- Numbering continues after the backfilled tasks.
UPDATE "Workspace" AS w SET "nextTaskNumber" = COALESCE(
  (SELECT MAX(t."number") FROM "Task" t WHERE t."workspaceId" = w."id"), 0) + 1;

ALTER TABLE "Task" ALTER COLUMN "number" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Company_workspaceId_idempotencyKey_key" ON "Company"("workspaceId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Contact_workspaceId_ownerId_nameKey_idx" ON "Contact"("workspaceId", "ownerId", "nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_workspaceId_idempotencyKey_key" ON "Contact"("workspaceId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Activity_companyId_occurredAt_idx" ON "Activity"("companyId", "occurredAt");

-- CreateIndex
CREATE INDEX "Task_workspaceId_doneAt_dueAt_idx" ON "Task"("workspaceId", "doneAt", "dueAt");

-- CreateIndex
CREATE INDEX "Task_dealId_doneAt_dueAt_idx" ON "Task"("dealId", "doneAt", "dueAt");

-- CreateIndex
CREATE INDEX "Task_contactId_doneAt_idx" ON "Task"("contactId", "doneAt");

-- CreateIndex
CREATE UNIQUE INDEX "Task_workspaceId_number_key" ON "Task"("workspaceId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Task_workspaceId_idempotencyKey_key" ON "Task"("workspaceId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "Company" ADD CONSTRAINT "Company_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;
