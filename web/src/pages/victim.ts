// One victim's evidence, as `botcensus lookup` gives it: enrichment (with its sources) and owner,
// whether it is an indicator or on a warninglist, each sighting with its indicator, window, file
// and line, the services and device seen on it with KEV exposures, and the near misses that did
// not count (with why).
import { api } from '../api.js';
import { fmtInt, fmtTime, h, link, section, type Child } from '../dom.js';
import { rangeLinkQuery } from '../range.js';
import type { Route } from '../router.js';

interface Evidence {
  indicator?: string;
  indicatorSource?: string;
  kind: string;
  detail?: string;
  firstSeen: string;
  lastSeen: string;
  events: number;
  bytes: number;
  direction: string;
  grade: string;
  file: string;
  firstLine?: number;
}

interface Lookup {
  ip: string;
  owner: string | null;
  host?: {
    asn?: number;
    asOrg?: string;
    country?: string;
    source?: string;
    special?: string;
    asnSource?: string;
    asnDataDate?: string;
    countrySource?: string;
    countryDataDate?: string;
  };
  isIndicator: { type: string; value: string; source: string }[];
  warnings: string[];
  evidence: Evidence[];
  services?: { port?: number; transport?: string; protocol: string; source: string; firstSeen: string; lastSeen: string; events: number; file: string; line: number }[];
  devices?: {
    device: string;
    vendor?: string;
    product?: string;
    version?: string;
    deviceType?: string;
    firstSeen: string;
    lastSeen: string;
    evidence: { source: string; banner: string; fingerprint: string; file?: string; line?: number }[];
    exposures: { cveID: string; name?: string; level: string; matchedOn: string }[];
  }[];
}

/** "GeoLite2-ASN, data of 2024-05-01": which provider answered, and how old its data is. */
const provenance = (name?: string, date?: string) => (name ? `${name}${date ? `, data of ${date}` : ''}` : 'none');

/** From /near-misses: asked after the evidence, since it reads the raw telemetry (slower on big stores). */
interface NearMisses {
  nearMisses: { indicator: string; kind: string; ts: string; file: string; line: number; reason: string }[];
  telemetryRows: number;
}

function simpleTable(name: string, headers: string[], rows: Child[][]): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty' }, 'None.');
  return h('table', { 'data-table': name }, h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

export async function victimPage(r: Route): Promise<HTMLElement> {
  const ip = r.parts[1] ?? '';
  const keep = rangeLinkQuery(r.query);
  const v = await api.get<Lookup>(`victims/${encodeURIComponent(ip)}`);
  const host = v.host;
  // The evidence shows at once; the telemetry count and near misses fill in when they arrive.
  const rowsCell = h('span', { 'data-fill': 'telemetry-rows' }, '…');
  const nearSection = h('div', { 'data-fill': 'near-misses' }, section('Near misses (seen, not counted)', h('p', { class: 'loading' }, 'Reading the telemetry…')));
  api.get<NearMisses>(`victims/${encodeURIComponent(ip)}/near-misses`).then(
    (n) => {
      rowsCell.replaceChildren(fmtInt(n.telemetryRows));
      nearSection.replaceChildren(
        section('Near misses (seen, not counted)', simpleTable('near-misses', ['Kind', 'Indicator', 'Time', 'File', 'Line', 'Why not'], n.nearMisses.map((x) => [x.kind, x.indicator, fmtTime(x.ts), x.file, String(x.line), x.reason]))),
      );
    },
    (err: Error) => nearSection.replaceChildren(section('Near misses (seen, not counted)', h('p', { class: 'error' }, `Could not read them: ${err.message}`))),
  );
  const facts: [string, Child][] = [
    ['Country', host?.country ? link(['country', host.country], keep, host.country) : 'unknown'],
    ['ASN', host?.asn !== undefined ? `AS${host.asn}` : 'unknown'],
    ['Organisation', host?.asOrg ?? 'unknown'],
    ...(host?.special ? ([['Special-purpose address', `${host.special}: no country or AS`]] as [string, Child][]) : []),
    ['Enrichment', `AS: ${provenance(host?.asnSource, host?.asnDataDate)}; country: ${provenance(host?.countrySource, host?.countryDataDate)}`],
    ['Owner', v.owner ?? 'none in the contact database'],
    ['Telemetry rows touching it', rowsCell],
    ['Warninglists', v.warnings.length ? v.warnings.join('; ') : 'none'],
  ];
  return h(
    'div',
    { 'data-page': 'victim', 'data-ip': v.ip },
    h('h1', {}, v.ip),
    h('p', { class: 'crumbs' }, link([], keep, 'Overview'), host?.country ? [' › ', link(['country', host.country], keep, host.country)] : null, ` › ${v.ip}`),
    h('dl', { class: 'facts' }, ...facts.map(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])),
    v.isIndicator.length ? section('It is an indicator itself', simpleTable('is-indicator', ['Type', 'Value', 'Source'], v.isIndicator.map((i) => [i.type, i.value, i.source]))) : null,
    section(
      'Evidence',
      simpleTable(
        'evidence',
        ['Evidence', 'Kind', 'Indicator', 'Source', 'Detail', 'First seen', 'Last seen', 'Events', 'Direction', 'File', 'Line'],
        v.evidence.map((e) => [h('span', { class: `grade ${e.grade}` }, e.grade), e.kind, e.indicator ?? '', e.indicatorSource ?? '', e.detail ?? '', fmtTime(e.firstSeen), fmtTime(e.lastSeen), fmtInt(e.events), e.direction, e.file, e.firstLine === undefined ? '' : String(e.firstLine)]),
      ),
    ),
    section(
      'Services seen on it',
      simpleTable(
        'services',
        ['Port', 'Protocol', 'Seen by', 'First seen', 'Last seen', 'Events', 'File', 'Line'],
        (v.services ?? []).map((x) => [x.port === undefined ? '' : `${x.port}/${x.transport ?? 'tcp'}`, x.protocol, x.source, fmtTime(x.firstSeen), fmtTime(x.lastSeen), fmtInt(x.events), x.file, String(x.line)]),
      ),
    ),
    section(
      'Identified device',
      simpleTable(
        'devices',
        ['Device', 'Vendor', 'Product', 'Version', 'Type', 'Held it', 'Evidence', 'Known exploited (KEV)'],
        (v.devices ?? []).map((d) => [
          d.device,
          d.vendor ?? '',
          d.product ?? '',
          d.version ?? '',
          d.deviceType ?? '',
          `${fmtTime(d.firstSeen)} – ${fmtTime(d.lastSeen)}`,
          d.evidence.slice(0, 3).map((e) => `${e.source}: ${e.banner} (${e.fingerprint})${e.file ? ` ${e.file}:${e.line ?? '?'}` : ''}`).join('; '),
          d.exposures.map((x) => `${x.cveID}${x.name ? ` ${x.name}` : ''} (${x.level})`).join('; ') || 'none',
        ]),
      ),
    ),
    nearSection,
  );
}
