-- AlterTable
-- Each existing workspace has one pipeline (its default, "Sales"): its key is its name, lower-cased.
ALTER TABLE "Pipeline" ADD COLUMN     "key" TEXT,
ADD COLUMN     "position" INTEGER NOT NULL DEFAULT 0;
UPDATE "Pipeline" SET "key" = lower(trim("name"));
ALTER TABLE "Pipeline" ALTER COLUMN "key" SET NOT NULL;

-- AlterTable
ALTER TABLE "Stage" ADD COLUMN     "requiredFields" TEXT NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "FieldDefinition" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "choices" TEXT NOT NULL DEFAULT '[]',
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FieldDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FieldValue" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "fieldId" TEXT NOT NULL,
    "dealId" TEXT,
    "contactId" TEXT,
    "companyId" TEXT,
    "text" TEXT,
    "textKey" TEXT,
    "number" DOUBLE PRECISION,
    "cents" BIGINT,
    "currency" TEXT,
    "date" TIMESTAMP(3),
    "memberId" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FieldValue_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FieldDefinition_workspaceId_entity_key_key" ON "FieldDefinition"("workspaceId", "entity", "key");

-- CreateIndex
CREATE INDEX "FieldValue_dealId_idx" ON "FieldValue"("dealId");

-- CreateIndex
CREATE INDEX "FieldValue_contactId_idx" ON "FieldValue"("contactId");

-- CreateIndex
CREATE INDEX "FieldValue_companyId_idx" ON "FieldValue"("companyId");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_textKey_idx" ON "FieldValue"("fieldId", "textKey");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_number_idx" ON "FieldValue"("fieldId", "number");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_cents_idx" ON "FieldValue"("fieldId", "cents");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_date_idx" ON "FieldValue"("fieldId", "date");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_memberId_idx" ON "FieldValue"("fieldId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "FieldValue_fieldId_dealId_key" ON "FieldValue"("fieldId", "dealId");

-- CreateIndex
CREATE UNIQUE INDEX "FieldValue_fieldId_contactId_key" ON "FieldValue"("fieldId", "contactId");

-- CreateIndex
CREATE UNIQUE INDEX "FieldValue_fieldId_companyId_key" ON "FieldValue"("fieldId", "companyId");

-- CreateIndex
CREATE UNIQUE INDEX "Pipeline_workspaceId_key_key" ON "Pipeline"("workspaceId", "key");

-- AddForeignKey
ALTER TABLE "FieldDefinition" ADD CONSTRAINT "FieldDefinition_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FieldValue" ADD CONSTRAINT "FieldValue_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FieldValue" ADD CONSTRAINT "FieldValue_fieldId_fkey" FOREIGN KEY ("fieldId") REFERENCES "FieldDefinition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FieldValue" ADD CONSTRAINT "FieldValue_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FieldValue" ADD CONSTRAINT "FieldValue_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FieldValue" ADD CONSTRAINT "FieldValue_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FieldValue" ADD CONSTRAINT "FieldValue_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;
