-- Deadlines and attempts: a course default, an exercise's own settings (null inherits), extensions per student.
CREATE TYPE "LatePolicy" AS ENUM ('closed', 'penalty', 'marked');

CREATE TABLE "course_deadlines" (
    "course_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "late_policy" "LatePolicy",
    "penalty_percent_per_day" DOUBLE PRECISION,
    "penalty_floor_percent" DOUBLE PRECISION,
    "max_attempts" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "course_deadlines_pkey" PRIMARY KEY ("course_id")
);

CREATE TABLE "exercise_deadlines" (
    "exercise_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "late_policy" "LatePolicy",
    "penalty_percent_per_day" DOUBLE PRECISION,
    "penalty_floor_percent" DOUBLE PRECISION,
    "max_attempts" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "exercise_deadlines_pkey" PRIMARY KEY ("exercise_id")
);

CREATE TABLE "deadline_extensions" (
    "id" UUID NOT NULL,
    "exercise_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "extra_attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "deadline_extensions_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "deadline_extensions_exercise_id_user_id_key" ON "deadline_extensions"("exercise_id", "user_id");
CREATE INDEX "deadline_extensions_user_id_idx" ON "deadline_extensions"("user_id");

ALTER TABLE "course_deadlines" ADD CONSTRAINT "course_deadlines_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "exercise_deadlines" ADD CONSTRAINT "exercise_deadlines_exercise_id_fkey" FOREIGN KEY ("exercise_id") REFERENCES "exercises"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deadline_extensions" ADD CONSTRAINT "deadline_extensions_exercise_id_fkey" FOREIGN KEY ("exercise_id") REFERENCES "exercises"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deadline_extensions" ADD CONSTRAINT "deadline_extensions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
