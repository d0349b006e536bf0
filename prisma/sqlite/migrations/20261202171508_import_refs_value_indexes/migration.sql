-- DropIndex
DROP INDEX "Deal_live_status_updated_idx";

-- DropIndex
DROP INDEX "Deal_live_owner_updated_idx";

-- DropIndex
DROP INDEX "Deal_live_stage_updated_idx";

-- DropIndex
DROP INDEX "FieldValue_fieldId_textKey_idx";

-- DropIndex
DROP INDEX "FieldValue_fieldId_number_idx";

-- DropIndex
DROP INDEX "FieldValue_fieldId_cents_idx";

-- DropIndex
DROP INDEX "FieldValue_fieldId_date_idx";

-- DropIndex
DROP INDEX "FieldValue_fieldId_memberId_idx";

-- CreateTable
CREATE TABLE "ExternalRef" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ExternalRef_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ExternalRef_recordId_idx" ON "ExternalRef"("recordId");

-- CreateIndex
CREATE UNIQUE INDEX "ExternalRef_workspaceId_entity_source_externalId_key" ON "ExternalRef"("workspaceId", "entity", "source", "externalId");

-- CreateIndex
CREATE INDEX "Deal_live_status_updated_idx" ON "Deal"("workspaceId", "status", "archived", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Deal_live_owner_updated_idx" ON "Deal"("workspaceId", "ownerId", "status", "archived", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Deal_live_stage_updated_idx" ON "Deal"("workspaceId", "stageId", "archived", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_textKey_dealId_contactId_companyId_idx" ON "FieldValue"("fieldId", "textKey", "dealId", "contactId", "companyId");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_number_dealId_contactId_companyId_idx" ON "FieldValue"("fieldId", "number", "dealId", "contactId", "companyId");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_cents_currency_dealId_contactId_companyId_idx" ON "FieldValue"("fieldId", "cents", "currency", "dealId", "contactId", "companyId");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_date_dealId_contactId_companyId_idx" ON "FieldValue"("fieldId", "date", "dealId", "contactId", "companyId");

-- CreateIndex
CREATE INDEX "FieldValue_fieldId_memberId_dealId_contactId_companyId_idx" ON "FieldValue"("fieldId", "memberId", "dealId", "contactId", "companyId");
