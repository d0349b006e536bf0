-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'member';

-- Backfill (hand-written): every existing member gets a role.
-- 1. Whoever the platform says is a workspace admin or owner (Slack is_admin/is_owner, the Teams
--    installer) is a CRM admin.
UPDATE "Member" SET "role" = 'admin' WHERE "platformAdmin" = true;

-- 2. A workspace that still has no active admin gets one, so every workspace can be administered:
--    its earliest active member who is not a guest (by createdAt, then id). In the console that is
--    the local operator, the first person.
UPDATE "Member" SET "role" = 'admin'
WHERE "id" IN (
  SELECT m."id" FROM "Member" m
  WHERE m."deactivated" IS NULL
    AND m."access" = 'member'
    AND NOT EXISTS (
      SELECT 1 FROM "Member" a
      WHERE a."workspaceId" = m."workspaceId" AND a."role" = 'admin' AND a."deactivated" IS NULL
    )
    AND NOT EXISTS (
      SELECT 1 FROM "Member" e
      WHERE e."workspaceId" = m."workspaceId"
        AND e."deactivated" IS NULL
        AND e."access" = 'member'
        AND (e."createdAt" < m."createdAt" OR (e."createdAt" = m."createdAt" AND e."id" < m."id"))
    )
);

-- 3. Everyone else keeps the column's default, 'member'.
