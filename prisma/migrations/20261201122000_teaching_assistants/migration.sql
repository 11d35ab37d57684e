-- Teaching assistants: course staff who see and regrade but do not publish or manage the roster.
ALTER TYPE "CourseRole" ADD VALUE IF NOT EXISTS 'ta';
