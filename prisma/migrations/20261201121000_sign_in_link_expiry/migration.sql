-- Sign-in keys an LMS issues for its students expire (LMS_SIGN_IN_LINK_SECONDS).
ALTER TABLE "api_keys" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
