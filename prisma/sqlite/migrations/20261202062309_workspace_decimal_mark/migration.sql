-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "decimalMark" TEXT;
