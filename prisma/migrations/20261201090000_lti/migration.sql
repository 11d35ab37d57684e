-- LTI 1.3 Advantage: platforms, tool keys, launch states, users, contexts, resource links, sessions.

-- CreateTable
CREATE TABLE "lti_platforms" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "auth_login_url" TEXT NOT NULL,
    "token_url" TEXT NOT NULL,
    "jwks_url" TEXT NOT NULL,
    "token_audience" TEXT,
    "deployment_ids" TEXT[],
    "course_id" UUID NOT NULL,
    "registered_via" TEXT NOT NULL DEFAULT 'manual',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_platforms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_tool_keys" (
    "id" UUID NOT NULL,
    "kid" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_key" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "lti_tool_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_launch_states" (
    "state" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "platform_id" UUID NOT NULL,
    "target_link_uri" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "lti_launch_states_pkey" PRIMARY KEY ("state")
);

-- CreateTable
CREATE TABLE "lti_users" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "sub" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "roles" TEXT[],
    "last_launch_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_contexts" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "context_id" TEXT NOT NULL,
    "title" TEXT,
    "memberships_url" TEXT,
    "line_items_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "roster_synced_at" TIMESTAMPTZ(3),

    CONSTRAINT "lti_contexts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_resource_links" (
    "id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "context_id" UUID,
    "resource_link_id" TEXT NOT NULL,
    "exercise_id" UUID NOT NULL,
    "title" TEXT,
    "line_item_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_resource_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_resource_link_users" (
    "id" UUID NOT NULL,
    "resource_link_id" UUID NOT NULL,
    "lti_user_id" UUID NOT NULL,
    "posted_run" TEXT,
    "posted_score" DOUBLE PRECISION,
    "posted_at" TIMESTAMPTZ(3),
    "posts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "synced_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lti_resource_link_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lti_sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "platform_id" UUID NOT NULL,
    "api_key_id" UUID,
    "deep_linking" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "lti_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "lti_platforms_issuer_client_id_key" ON "lti_platforms"("issuer", "client_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_tool_keys_kid_key" ON "lti_tool_keys"("kid");

-- CreateIndex
CREATE UNIQUE INDEX "lti_launch_states_nonce_key" ON "lti_launch_states"("nonce");

-- CreateIndex
CREATE INDEX "lti_launch_states_expires_at_idx" ON "lti_launch_states"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "lti_users_user_id_key" ON "lti_users"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_users_platform_id_sub_key" ON "lti_users"("platform_id", "sub");

-- CreateIndex
CREATE UNIQUE INDEX "lti_contexts_platform_id_context_id_key" ON "lti_contexts"("platform_id", "context_id");

-- CreateIndex
CREATE INDEX "lti_resource_links_exercise_id_idx" ON "lti_resource_links"("exercise_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_resource_links_platform_id_resource_link_id_key" ON "lti_resource_links"("platform_id", "resource_link_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_resource_link_users_resource_link_id_lti_user_id_key" ON "lti_resource_link_users"("resource_link_id", "lti_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "lti_sessions_token_hash_key" ON "lti_sessions"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "lti_sessions_api_key_id_key" ON "lti_sessions"("api_key_id");

-- CreateIndex
CREATE INDEX "lti_sessions_expires_at_idx" ON "lti_sessions"("expires_at");

-- AddForeignKey
ALTER TABLE "lti_platforms" ADD CONSTRAINT "lti_platforms_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_launch_states" ADD CONSTRAINT "lti_launch_states_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_users" ADD CONSTRAINT "lti_users_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_users" ADD CONSTRAINT "lti_users_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_contexts" ADD CONSTRAINT "lti_contexts_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_links" ADD CONSTRAINT "lti_resource_links_platform_id_fkey" FOREIGN KEY ("platform_id") REFERENCES "lti_platforms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_links" ADD CONSTRAINT "lti_resource_links_context_id_fkey" FOREIGN KEY ("context_id") REFERENCES "lti_contexts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_links" ADD CONSTRAINT "lti_resource_links_exercise_id_fkey" FOREIGN KEY ("exercise_id") REFERENCES "exercises"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_link_users" ADD CONSTRAINT "lti_resource_link_users_resource_link_id_fkey" FOREIGN KEY ("resource_link_id") REFERENCES "lti_resource_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_resource_link_users" ADD CONSTRAINT "lti_resource_link_users_lti_user_id_fkey" FOREIGN KEY ("lti_user_id") REFERENCES "lti_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_sessions" ADD CONSTRAINT "lti_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lti_sessions" ADD CONSTRAINT "lti_sessions_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
