-- DropIndex
DROP INDEX "Contact_companyId_idx";

-- DropIndex
DROP INDEX "Deal_company_idx";

-- CreateIndex
CREATE INDEX "Contact_companyId_workspaceId_nameKey_id_idx" ON "Contact"("companyId", "workspaceId", "nameKey", "id");

-- CreateIndex
CREATE INDEX "Contact_companyId_workspaceId_updatedAt_idx" ON "Contact"("companyId", "workspaceId", "updatedAt");

-- CreateIndex
CREATE INDEX "Deal_company_idx" ON "Deal"("companyId", "workspaceId", "status", "archived", "createdAt");

-- CreateIndex
CREATE INDEX "Deal_company_activity_idx" ON "Deal"("companyId", "workspaceId", "lastActivityAt");
