import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ExerciseFormatError, parseExercise, type ExerciseFiles, type ParsedExercise } from './exercise-format';

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Never part of an exercise: editor, VCS and Python droppings. */
const IGNORED = /(^|\/)(\.[^/]*|__pycache__|.*\.pyc)$/;

/** Reads an exercise folder from disk (text files only) and parses it; the folder name is the slug. */
export function loadExerciseFolder(dir: string): ParsedExercise {
  const files: ExerciseFiles = {};
  const problems: { file: string; reason: string }[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const rel = relative(dir, path).split('\\').join('/');
      if (IGNORED.test(rel)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size <= 1024 * 1024) {
        try {
          files[rel] = utf8.decode(readFileSync(path));
        } catch {
          problems.push({ file: rel, reason: 'is not UTF-8 text' });
        }
      } else if (entry.isFile()) problems.push({ file: rel, reason: 'is larger than 1 MiB' });
    }
  };
  walk(dir);
  if (problems.length) throw new ExerciseFormatError(problems);
  return parseExercise(basename(dir), files);
}
