// Mail campaigns: what botcensus mail scan found, tracking campaigns first, each with its verdict,
// evidence, recipients and beacon hosts; and one campaign with its messages.
import { api } from '../api.js';
import { fmtInt, fmtTime, h, link, section } from '../dom.js';
import { withQuery, type Route } from '../router.js';

type Verdict = 'tracking' | 'marketing' | 'clean';

interface Campaign {
  id: string;
  infraKey: string;
  verdict: Verdict;
  evidence: string[];
  messages: number;
  recipients: string[];
  organisations: string[];
  firstDate?: number;
  lastDate?: number;
  beaconHosts: string[];
  serviceHosts: string[];
  senders: string[];
  subjects: string[];
}

interface Message {
  messageId?: string;
  date?: number;
  subject: string;
  fromAddress?: string;
  recipients: string[];
  file: string;
  offset: number;
}

const when = (ms?: number) => (ms === undefined ? '' : fmtTime(new Date(ms).toISOString()));
const day = (ms?: number) => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 10));
const sender = (c: Campaign) => {
  const [site, relay] = c.infraKey.split('|');
  return relay ? `${site} via ${relay}` : (site ?? '');
};

export async function mailPage(r: Route): Promise<HTMLElement> {
  if (r.parts[1]) return campaignPage(r.parts[1]);
  const verdict = r.query.get('verdict') ?? '';
  const data = await api.get<{ rows: Campaign[]; counts: { messages: number; resources: number; campaigns: number } }>('mail/campaigns', { verdict: verdict || undefined });
  const select = h(
    'select',
    { name: 'verdict', 'aria-label': 'Verdict' },
    ...[['', 'All verdicts'], ['tracking', 'Tracking'], ['marketing', 'Marketing'], ['clean', 'Clean']].map(([v, l]) => h('option', { value: v!, selected: v === verdict }, l!)),
  );
  select.addEventListener('change', () => withQuery(new URLSearchParams(select.value ? { verdict: select.value } : {})));
  const table = h(
    'table',
    { 'data-table': 'mail-campaigns' },
    h('thead', {}, h('tr', {}, ...['Campaign', 'Verdict', 'Sender infrastructure', 'Messages', 'Recipients', 'Organisations', 'First', 'Last', 'Beacon hosts'].map((x, i) => h('th', { scope: 'col', class: i === 3 || i === 4 ? 'num' : undefined }, x)))),
    h(
      'tbody',
      {},
      ...data.rows.map((c) =>
        h(
          'tr',
          { 'data-verdict': c.verdict },
          h('td', {}, link(['mail', c.id], {}, h('code', {}, c.id))),
          h('td', {}, h('span', { class: `verdict verdict-${c.verdict}` }, c.verdict)),
          h('td', {}, sender(c)),
          h('td', { class: 'num' }, fmtInt(c.messages)),
          h('td', { class: 'num' }, fmtInt(c.recipients.length)),
          h('td', {}, c.organisations.slice(0, 5).join(', ') + (c.organisations.length > 5 ? ', …' : '')),
          h('td', {}, day(c.firstDate)),
          h('td', {}, day(c.lastDate)),
          h('td', {}, ...c.beaconHosts.slice(0, 5).map((b) => h('code', {}, b, ' '))),
        ),
      ),
    ),
  );
  const summary = h('p', {}, `${fmtInt(data.counts.messages)} messages scanned, ${fmtInt(data.counts.campaigns)} campaigns. botcensus never loads anything a message points to.`);
  return h('div', { 'data-page': 'mail' }, h('h1', {}, 'Mail campaigns'), summary, section('Campaigns', h('form', { class: 'filters' }, select), table));
}

async function campaignPage(id: string): Promise<HTMLElement> {
  const c = await api.get<Campaign & { messageList: Message[] }>(`mail/campaigns/${encodeURIComponent(id)}`);
  const facts = h(
    'dl',
    { class: 'facts' },
    ...(
      [
        ['Verdict', c.verdict],
        ['Sender infrastructure', sender(c)],
        ['Senders', c.senders.join(', ')],
        ['Subjects', c.subjects.join(' · ')],
        ['Messages', fmtInt(c.messages)],
        ['First and last', `${when(c.firstDate)} – ${when(c.lastDate)}`],
        ['Beacon hosts', c.beaconHosts.join(', ') || 'none'],
        ['Known tracking services', c.serviceHosts.join(', ') || 'none'],
        ['Organisations', c.organisations.join(', ')],
      ] as const
    ).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
  const evidence = h('ul', { 'data-list': 'evidence' }, ...c.evidence.map((e) => h('li', {}, e)));
  const recipients = h('ul', { 'data-list': 'recipients', class: 'columns' }, ...c.recipients.map((r) => h('li', {}, r)));
  const messages = h(
    'table',
    { 'data-table': 'mail-messages' },
    h('thead', {}, h('tr', {}, ...['Date', 'From', 'To', 'Subject', 'Where'].map((x) => h('th', { scope: 'col' }, x)))),
    h(
      'tbody',
      {},
      ...c.messageList.map((m) =>
        h('tr', {}, h('td', {}, when(m.date)), h('td', {}, m.fromAddress ?? ''), h('td', {}, m.recipients.join(', ')), h('td', {}, m.subject), h('td', {}, h('code', {}, `${m.file} @ byte ${m.offset}`))),
      ),
    ),
  );
  return h(
    'div',
    { 'data-page': 'mail-campaign' },
    h('p', {}, link(['mail'], {}, '← Mail campaigns')),
    h('h1', {}, `Campaign ${c.id}`),
    facts,
    section('Evidence', evidence),
    section(`Recipients (${c.recipients.length})`, recipients),
    section('Messages', messages),
  );
}
