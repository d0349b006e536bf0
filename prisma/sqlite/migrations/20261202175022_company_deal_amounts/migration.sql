-- DropIndex
DROP INDEX "Deal_company_idx";

-- CreateIndex
CREATE INDEX "Deal_company_idx" ON "Deal"("companyId", "workspaceId", "status", "archived", "createdAt", "currency", "amountCents");
