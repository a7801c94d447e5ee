ALTER TABLE "deployments" ADD COLUMN "config" jsonb;--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "provider" jsonb;