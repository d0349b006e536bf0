-- CreateIndex
CREATE INDEX "Deal_company_idx" ON "Deal"("companyId", "status", "archived", "createdAt");
