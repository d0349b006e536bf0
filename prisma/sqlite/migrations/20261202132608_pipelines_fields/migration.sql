-- CreateTable
CREATE TABLE "FieldDefinition" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "choices" TEXT NOT NULL DEFAULT '[]',
    "position" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FieldDefinition_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FieldValue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "fieldId" TEXT NOT NULL,
    "dealId" TEXT,
    "contactId" TEXT,
    "companyId" TEXT,
    "text" TEXT,
    "textKey" TEXT,
    "number" REAL,
    "cents" BIGINT,
    "currency" TEXT,
    "date" DATETIME,
    "memberId" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "FieldValue_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FieldValue_fieldId_fkey" FOREIGN KEY ("fieldId") REFERENCES "FieldDefinition" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FieldValue_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FieldValue_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FieldValue_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FieldValue_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Pipeline" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Pipeline_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Each existing workspace has one pipeline (its default, "Sales"): its key is its name, lower-cased.
INSERT INTO "new_Pipeline" ("createdAt", "id", "isDefault", "name", "workspaceId", "key") SELECT "createdAt", "id", "isDefault", "name", "workspaceId", lower(trim("name")) FROM "Pipeline";
DROP TABLE "Pipeline";
ALTER TABLE "new_Pipeline" RENAME TO "Pipeline";
CREATE INDEX "Pipeline_workspaceId_idx" ON "Pipeline"("workspaceId");
CREATE UNIQUE INDEX "Pipeline_workspaceId_key_key" ON "Pipeline"("workspaceId", "key");
CREATE TABLE "new_Stage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "pipelineId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "probability" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "requiredFields" TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT "Stage_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Stage_pipelineId_fkey" FOREIGN KEY ("pipelineId") REFERENCES "Pipeline" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Stage" ("id", "key", "kind", "name", "pipelineId", "position", "probability", "workspaceId") SELECT "id", "key", "kind", "name", "pipelineId", "position", "probability", "workspaceId" FROM "Stage";
DROP TABLE "Stage";
ALTER TABLE "new_Stage" RENAME TO "Stage";
CREATE INDEX "Stage_workspaceId_idx" ON "Stage"("workspaceId");
CREATE UNIQUE INDEX "Stage_pipelineId_key_key" ON "Stage"("pipelineId", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
