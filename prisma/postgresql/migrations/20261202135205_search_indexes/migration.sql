-- DropIndex
DROP INDEX "Company_workspaceId_nameKey_idx";

-- DropIndex
DROP INDEX "Contact_workspaceId_nameKey_idx";

-- CreateIndex
CREATE INDEX "Company_workspaceId_nameKey_id_domain_idx" ON "Company"("workspaceId", "nameKey", "id", "domain");

-- CreateIndex
CREATE INDEX "Contact_workspaceId_nameKey_id_email_idx" ON "Contact"("workspaceId", "nameKey", "id", "email");
