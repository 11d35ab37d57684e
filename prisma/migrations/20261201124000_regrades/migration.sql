-- Version regrades with progress: which submissions each re-queued and where each stands.
CREATE TYPE "RegradeItemState" AS ENUM ('pending', 'regraded', 'failed');

CREATE TABLE "regrades" (
    "id" UUID NOT NULL,
    "exercise_version_id" UUID NOT NULL,
    "requested_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "regrades_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "regrade_items" (
    "regrade_id" UUID NOT NULL,
    "submission_id" UUID NOT NULL,
    "state" "RegradeItemState" NOT NULL DEFAULT 'pending',
    "previous_score" DOUBLE PRECISION,
    "score" DOUBLE PRECISION,
    "reason" TEXT,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "regrade_items_pkey" PRIMARY KEY ("regrade_id","submission_id")
);

CREATE INDEX "regrades_exercise_version_id_created_at_idx" ON "regrades"("exercise_version_id", "created_at");
CREATE INDEX "regrade_items_submission_id_state_idx" ON "regrade_items"("submission_id", "state");

ALTER TABLE "regrades" ADD CONSTRAINT "regrades_exercise_version_id_fkey" FOREIGN KEY ("exercise_version_id") REFERENCES "exercise_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "regrade_items" ADD CONSTRAINT "regrade_items_regrade_id_fkey" FOREIGN KEY ("regrade_id") REFERENCES "regrades"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "regrade_items" ADD CONSTRAINT "regrade_items_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
