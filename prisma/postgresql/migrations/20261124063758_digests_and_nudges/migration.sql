-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "staleAmountThresholdCents" BIGINT;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "nudgeMinute" INTEGER NOT NULL DEFAULT 540,
ADD COLUMN     "nudgesEnabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "quietEndMinute" INTEGER NOT NULL DEFAULT 480,
ADD COLUMN     "quietStartMinute" INTEGER NOT NULL DEFAULT 1140;

-- AlterTable
ALTER TABLE "Deal" ADD COLUMN     "snoozedUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DigestSubscription" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "minuteOfDay" INTEGER NOT NULL DEFAULT 540,
    "days" TEXT NOT NULL DEFAULT 'weekdays',
    "timezone" TEXT NOT NULL,
    "whenEmpty" TEXT NOT NULL DEFAULT 'all_clear',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryLedger" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "claimToken" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "nextAttemptAt" TIMESTAMP(3),
    "sendingAt" TIMESTAMP(3),
    "periodStart" TIMESTAMP(3),
    "periodEnd" TIMESTAMP(3),
    "messageId" TEXT,
    "conversationId" TEXT,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeliveryLedger_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "DigestSubscription" ADD CONSTRAINT "DigestSubscription_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryLedger" ADD CONSTRAINT "DeliveryLedger_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
