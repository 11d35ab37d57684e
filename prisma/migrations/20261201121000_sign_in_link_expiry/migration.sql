-- Sign-in keys an LMS issues for its students expire (LMS_SIGN_IN_LINK_SECONDS).
ALTER TABLE "api_keys" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
-- A key made with another key (POST /keys) remembers it: revoking a sign-in link revokes its offspring.
ALTER TABLE "api_keys" ADD COLUMN "issued_by_key_id" UUID;
