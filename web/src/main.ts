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
import { RangeProblem, rangePicker } from './range.js';
import { currentRoute, go, withQuery, type Route } from './router.js';
import { currentMe, forget, isStaff, loadMe } from './session.js';

const app = document.getElementById('app')!;
const top = document.getElementById('top')!;

type Page = (r: Route) => HTMLElement | Promise<HTMLElement>;
/** Each page, with the name its root carries (data-page) and its title when it cannot be drawn. */
const PAGES: Record<string, { page: Page; name: string; title: string; staff?: boolean }> = {
  '': { page: overviewPage, name: 'overview', title: 'Overview' },
  country: { page: countryPage, name: 'country', title: 'Country' },
  victims: { page: victimsPage, name: 'victims', title: 'Victims' },
  victim: { page: victimPage, name: 'victim', title: 'Victim' },
  indicators: { page: indicatorsPage, name: 'indicators', title: 'Indicators', staff: true },
  imports: { page: (r) => (r.parts[1] ? importPage(r) : importsPage()), name: 'imports', title: 'Imports', staff: true },
  mail: { page: mailPage, name: 'mail', title: 'Mail campaigns', staff: true },
};

/** A page whose range cannot be answered: its head and picker stay, with the problem beside the picker. */
function rangeProblemPage(entry: { name: string; title: string }, r: Route): HTMLElement {
  return h('div', { 'data-page': entry.name, 'data-range-problem': 'true' }, h('div', { class: 'page-head' }, h('h1', {}, entry.title), rangePicker(r.query, withQuery)));
}

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

interface Health {
  status: string;
  progress?: { done: number; total: number; step?: string };
}

/** The screen shown while the server prepares the dashboard's answers (after its start or an import). */
function preparingPage(health: Health): HTMLElement {
  const p = health.progress ?? { done: 0, total: 1 };
  return h('div', { class: 'preparing', 'data-page': 'preparing', role: 'status' },
    h('h1', {}, 'Preparing the data'),
    h('p', {}, 'The server is folding the sightings and computing the first answers for every time range, so that each page then opens at once.'),
    h('progress', { max: p.total, value: p.done }),
    h('p', { class: 'progress-text' }, `Step ${Math.min(p.done + 1, p.total)} of ${p.total}${p.step ? `: ${p.step}` : ''}`),
  );
}

/** Set once the server said it is ready: later pages do not ask again. */
let serverReady = false;
/** Counts renders, so a wait that a newer render replaced stops drawing. */
let renders = 0;

/** Waits, showing progress, until /api/health no longer says "warming"; false when a newer render took over. */
async function untilReady(render: number): Promise<boolean> {
  while (!serverReady) {
    const h: Health = await fetch('/api/health', { headers: { accept: 'application/json' } })
      .then((res) => res.json() as Promise<Health>)
      .catch(() => ({ status: 'unknown' }));
    if (render !== renders) return false;
    if (h.status !== 'warming') serverReady = true;
    else {
      app.replaceChildren(preparingPage(h));
      await new Promise((r) => setTimeout(r, 700));
      if (render !== renders) return false;
    }
  }
  return true;
}

async function render(): Promise<void> {
  const r = currentRoute();
  const mine = ++renders;
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
  if (!(await untilReady(mine))) return;
  clear(app);
  const entry = PAGES[r.parts[0] ?? ''];
  if (!entry || (entry.staff && !isStaff())) return void app.appendChild(errorBox('No such page.'));
  app.appendChild(h('p', { class: 'loading' }, 'Loading…'));
  try {
    const el = await entry.page(r);
    clear(app);
    app.appendChild(el);
  } catch (err) {
    clear(app);
    app.appendChild(err instanceof RangeProblem ? rangeProblemPage(entry, r) : errorBox((err as Error).message));
  }
}

setUnauthorizedHandler(() => {
  forget();
  if (currentRoute().parts[0] !== 'signin') go('#/signin');
});
window.addEventListener('hashchange', () => void render());
void render();
