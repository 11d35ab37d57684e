// Drafts of the student's files, kept in this browser per user, exercise and file until submitted
// or reset; "Restore into the editor" writes a past submission's files here.

export const draftKey = (user: string, exercise: string, file: string) => `memgrade.draft:${user}:${exercise}:${file}`;

export function loadDraft(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function saveDraft(key: string, text: string | null): void {
  try {
    if (text === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, text);
  } catch {
    // storage full or disabled: the draft simply is not kept
  }
}

/** Puts a submission's files into the drafts of `exercise` ("course/exercise"), so its editor opens with them. */
export function restoreDrafts(user: string, exercise: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) saveDraft(draftKey(user, exercise, file), text);
}
