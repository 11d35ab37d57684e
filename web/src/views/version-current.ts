// "Make current" for a valid exercise version: new submissions are graded against it (a rollback
// to an earlier version, or forward again). Older submissions keep the version they were graded on.
import { post } from '../api';
import { h, replace } from '../dom';
import { enc } from '../router';
import { errorBox } from '../ui';
import type { ExerciseVersion } from '../types';

export function makeCurrentButton(course: string, exercise: string, version: ExerciseVersion, onDone: (made: ExerciseVersion) => void): HTMLElement | null {
  if (version.current || version.status !== 'valid') return null;
  const message = h('div', { role: 'status' });
  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      onClick: async () => {
        button.disabled = true;
        try {
          const made = await post<ExerciseVersion>(`/courses/${enc(course)}/exercises/${enc(exercise)}/versions/${version.number}/current`);
          replace(message, h('p', { class: 'notice' }, `Version ${version.number} is now current: new submissions are graded against it.`));
          onDone(made);
        } catch (error) {
          replace(message, errorBox(error, `Could not make version ${version.number} current`));
          button.disabled = false;
        }
      },
    },
    `Make version ${version.number} current`,
  );
  return h('div', { class: 'actions' }, button, message);
}
