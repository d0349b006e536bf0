-- CreateTable
CREATE TABLE "TeamsConversation" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "memberId" TEXT,
    "reference" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamsConversation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TeamsConversation_workspaceId_memberId_idx" ON "TeamsConversation"("workspaceId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamsConversation_workspaceId_conversationId_key" ON "TeamsConversation"("workspaceId", "conversationId");

-- AddForeignKey
ALTER TABLE "TeamsConversation" ADD CONSTRAINT "TeamsConversation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;
