ALTER TABLE "tool_calls" DROP CONSTRAINT "tool_calls_server_id_servers_id_fk";
--> statement-breakpoint
ALTER TABLE "tool_calls" DROP CONSTRAINT "tool_calls_user_id_users_id_fk";
