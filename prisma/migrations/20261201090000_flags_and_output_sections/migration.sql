-- Flags where instructors look: the highest severity of a submission's latest run, kept on the
-- submission so that lists and the gradebook can filter and mark without reading every result.
CREATE TYPE "FlagSeverity" AS ENUM ('high', 'medium', 'low');

ALTER TABLE "submissions" ADD COLUMN "flag_severity" "FlagSeverity";

-- The student's output split per test, when the harness reports it that way.
ALTER TABLE "grading_results" ADD COLUMN "output_sections" JSONB;

-- Existing submissions: from their latest run (a flag without a known severity counts as medium;
-- a test whose out-of-process evidence disagreed, or that was tampered with or blocked, as high).
UPDATE "submissions" s
   SET "flag_severity" = x.severity::"FlagSeverity"
  FROM (
    SELECT DISTINCT ON (gr.submission_id)
           gr.submission_id,
           CASE
             WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(gr.flags) = 'array' THEN gr.flags ELSE '[]'::jsonb END) f
                           WHERE jsonb_typeof(f) = 'object' AND f->>'severity' = 'high')
               OR EXISTS (SELECT 1 FROM "test_results" t
                           WHERE t.grading_result_id = gr.id AND t.measurements->>'status' IN ('contradicted', 'tampered', 'disagreed', 'blocked'))
               THEN 'high'
             WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(gr.flags) = 'array' THEN gr.flags ELSE '[]'::jsonb END) f
                           WHERE jsonb_typeof(f) = 'object' AND COALESCE(f->>'severity', '') NOT IN ('high', 'low'))
               THEN 'medium'
             WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(gr.flags) = 'array' THEN gr.flags ELSE '[]'::jsonb END) f
                           WHERE jsonb_typeof(f) = 'object' AND f->>'severity' = 'low')
               THEN 'low'
           END AS severity
      FROM "grading_results" gr
     ORDER BY gr.submission_id, gr.run DESC
  ) x
 WHERE x.submission_id = s.id AND x.severity IS NOT NULL;
