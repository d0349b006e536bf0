-- AlterTable
ALTER TABLE "InboxItem" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "detail" TEXT,
ADD COLUMN     "payload" TEXT;

-- CreateIndex
CREATE INDEX "InboxItem_status_claimedAt_idx" ON "InboxItem"("status", "claimedAt");
