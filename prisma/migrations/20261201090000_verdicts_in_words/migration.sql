-- A submission that does not parse or import is not a crash: it gets a verdict of its own.
ALTER TYPE "Verdict" ADD VALUE 'syntax_error';
ALTER TYPE "Verdict" ADD VALUE 'import_error';
