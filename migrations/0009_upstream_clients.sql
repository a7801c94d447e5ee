CREATE TABLE "upstream_clients" (
	"id" text PRIMARY KEY NOT NULL,
	"server_id" text NOT NULL,
	"issuer" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret" text,
	"token_endpoint_auth_method" text NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "upstream_clients_server_issuer_key" UNIQUE("server_id","issuer")
);
--> statement-breakpoint
ALTER TABLE "upstream_clients" ADD CONSTRAINT "upstream_clients_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;