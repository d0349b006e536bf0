-- DropIndex
DROP INDEX "Contact_workspaceId_ownerId_nameKey_idx";

-- CreateIndex
CREATE INDEX "Contact_workspaceId_ownerId_nameKey_id_idx" ON "Contact"("workspaceId", "ownerId", "nameKey", "id");
