// The web app: signs in, then draws the page the URL hash names. Staff see every page; an owner
// sees its own portal (overview, its victims and their evidence).
import './style.css';
import { api, setUnauthorizedHandler } from './api.js';
import { clear, errorBox, h } from './dom.js';
import { countryPage } from './pages/country.js';
import { importPage, importsPage } from './pages/imports.js';
import { indicatorsPage } from './pages/indicators.js';
import { mailPage } from './pages/mail.js';
import { overviewPage } from './pages/overview.js';
import { signInPage } from './pages/signin.js';
import { victimPage } from './pages/victim.js';
import { victimsPage } from './pages/victims.js';
import { currentRoute, go, type Route } from './router.js';
import { currentMe, forget, isStaff, loadMe } from './session.js';

const app = document.getElementById('app')!;
const top = document.getElementById('top')!;

type Page = (r: Route) => HTMLElement | Promise<HTMLElement>;
const PAGES: Record<string, { page: Page; staff?: boolean }> = {
  '': { page: overviewPage },
  country: { page: countryPage },
  victims: { page: victimsPage },
  victim: { page: victimPage },
  indicators: { page: indicatorsPage, staff: true },
  imports: { page: (r) => (r.parts[1] ? importPage(r) : importsPage()), staff: true },
  mail: { page: mailPage, staff: true },
};

function nav(): HTMLElement {
  const me = currentMe()!;
  const signOut = h('button', { type: 'button', class: 'signout' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    await api.delete('session').catch(() => undefined);
    forget();
    go('#/signin');
  });
  return h(
    'nav',
    {},
    h('a', { href: '#/', class: 'brand' }, 'botcensus'),
    h('a', { href: '#/' }, me.owner ? 'My networks' : 'Overview'),
    isStaff() ? [h('a', { href: '#/indicators' }, 'Indicators'), h('a', { href: '#/imports' }, 'Imports'), h('a', { href: '#/mail' }, 'Mail')] : null,
    h('span', { class: 'who', 'data-role': me.role }, me.owner ? `${me.owner} (owner)` : me.role),
    signOut,
  );
}

async function render(): Promise<void> {
  const r = currentRoute();
  clear(app);
  if (r.parts[0] === 'signin' || !currentMe()) {
    if (!currentMe() && (await loadMe())) return render();
    if (r.parts[0] !== 'signin') return go('#/signin');
    clear(top);
    app.appendChild(signInPage(async () => {
      await loadMe();
      go('#/');
    }));
    return;
  }
  top.replaceChildren(nav());
  const entry = PAGES[r.parts[0] ?? ''];
  if (!entry || (entry.staff && !isStaff())) return void app.appendChild(errorBox('No such page.'));
  app.appendChild(h('p', { class: 'loading' }, 'Loading…'));
  try {
    const el = await entry.page(r);
    clear(app);
    app.appendChild(el);
  } catch (err) {
    clear(app);
    app.appendChild(errorBox((err as Error).message));
  }
}

setUnauthorizedHandler(() => {
  forget();
  if (currentRoute().parts[0] !== 'signin') go('#/signin');
});
window.addEventListener('hashchange', () => void render());
void render();
