// Sign-in: paste an API token (from `botcensus tokens create`); the server answers with an
// HTTP-only session cookie, so the token is not kept by the page.
import { api } from '../api.js';
import { errorBox, h } from '../dom.js';

export function signInPage(onSignedIn: () => void): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, 'aria-label': 'API token', placeholder: 'bct_…' });
  const status = h('div', { class: 'status' });
  const form = h(
    'form',
    { class: 'signin', 'data-page': 'signin' },
    h('h1', {}, 'Sign in to botcensus'),
    h('p', {}, 'Paste your API token. An administrator creates one with ', h('code', {}, 'botcensus tokens create'), '.'),
    h('label', {}, 'Token ', input),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.replaceChildren(h('p', { class: 'loading' }, 'Signing in…'));
    try {
      await api.postJson('session', { token: input.value.trim() });
      input.value = '';
      onSignedIn();
    } catch (err) {
      status.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}
