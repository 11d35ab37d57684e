// Sign-in: paste an API key. It is checked against /users/me before it is kept.
import { ApiError, get } from '../api';
import { clearKey, looksLikeKey, setKey } from '../auth';
import { h, replace } from '../dom';
import type { Me } from '../types';
import { errorBox, pageTitle } from '../ui';

export function signInPage(main: HTMLElement, reason: string | null, onSignedIn: (me: Me) => void): void {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'api-key-help',
  });
  const message = h('div', { 'aria-live': 'polite' }, reason ? h('div', { class: 'error-box', role: 'alert' }, h('p', null, reason)) : null);
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const show = h('input', { type: 'checkbox', id: 'show-key', onChange: () => (input.type = show.checked ? 'text' : 'password') });
  const form = h(
    'form',
    {
      class: 'signin-form',
      onSubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!looksLikeKey(key)) {
          replace(message, h('div', { class: 'error-box', role: 'alert' }, h('p', null, 'Paste the whole key: it has no spaces.')));
          input.focus();
          return;
        }
        button.disabled = true;
        replace(message);
        setKey(key);
        try {
          const me = await get<Me>('/users/me', { quietAuth: true });
          onSignedIn(me);
        } catch (error) {
          clearKey();
          replace(
            message,
            error instanceof ApiError && error.status === 401
              ? h('div', { class: 'error-box', role: 'alert' }, h('p', null, `This key was not accepted: ${error.message}.`))
              : errorBox(error, 'Could not sign in'),
          );
          input.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'api-key-help', class: 'help' },
      'The key your instructor or your course’s learning platform gave you. It is kept only in this browser tab until you sign out or close the tab.',
    ),
    h('p', { class: 'checkbox' }, show, h('label', { for: 'show-key' }, ' Show the key')),
    button,
    message,
  );
  replace(
    main,
    h(
      'div',
      { class: 'signin' },
      pageTitle('Sign in to memgrade'),
      h('p', { class: 'subtitle' }, 'Grading of Python memory management: reference counts, cycles, peak memory.'),
      form,
    ),
  );
  input.focus();
}
