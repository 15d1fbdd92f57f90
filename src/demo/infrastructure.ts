// The attacker side of the demo, only on documentation ranges and .example names, published the
// way real advisories publish it: a messy text file and a STIX bundle; plus a warninglist of the
// demo's benign resolvers and scanners.
import { createHash } from 'node:crypto';

const DAY = 86_400_000;
export const C2_V4 = Array.from({ length: 40 }, (_, i) => `203.0.113.${10 + i}`);
export const C2_V6 = '2001:db8:c2::10';
/** Old C2 addresses whose window closed in 2023: traffic to them now is innocent reuse. */
export const OLD_C2 = Array.from({ length: 10 }, (_, i) => `203.0.113.${100 + i}`);
export const SPARROW = { ip: '203.0.113.200', port: 34125 };
export const C2_DOMAIN = 'w8510.example';
export const OLD_DOMAINS = ['b2047.example', 'k3121.example'];
export const RESOLVERS = ['192.0.2.53', '192.0.2.153'];
export const SINKHOLE = '198.51.100.10';
/** Research scanners sweep the C2 addresses: one-way traffic that is no compromise. */
export const SCANNERS = Array.from({ length: 60 }, (_, i) => `198.51.100.${130 + i}`);

const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');
export const C2_CERTS = [hex('demo-cert-1'), hex('demo-cert-2')];

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The advisory's text file: prose, a TSV table, defanged entries, a comment block and a YARA rule. */
export function indicatorText(start: number): string {
  const from = date(start - 30 * DAY);
  const to = date(start + 60 * DAY);
  const rows = [
    ...C2_V4.map((ip, i) => `${i % 3 === 0 ? ip.replace(/\./g, '[.]') : ip}\tTier 2 C2\t${from}\t${to}\tNosedive C2 over TLS on 443`),
    `${SPARROW.ip}:${SPARROW.port}\tTier 3 management\t${from}\t${to}\tSparrow`,
    `${C2_V6}\tTier 2 C2\t${from}\t${to}\tIPv6 C2`,
    ...OLD_C2.map((ip) => `${ip}\tTier 2 C2 (retired)\t2022-01-01\t2023-06-30\tretired`),
    `*.${C2_DOMAIN.replace('.', '[.]')}\tC2 domain\t2023-01-01\t${to}\tcurrent C2 parent domain`,
    `${OLD_DOMAINS[0]}\tC2 domain\t2022-01-01\t2023-06-30\tearlier C2 parent domain`,
    `${OLD_DOMAINS[1]}\tC2 domain\t2020-01-01\t2022-06-30\tearliest C2 parent domain`,
  ];
  return [
    'Demo botnet indicators of compromise (synthetic; documentation ranges only)',
    '',
    'This file mimics how advisories publish indicators: a narrative paragraph first, then a table,',
    'then rules. Analysts copy it around as it is, so importers must cope with all of it.',
    '',
    'Indicator\tType\tFirst seen\tLast seen\tComment',
    ...rows,
    '',
    'Encoded snippet seen in the dropper: aHR0cDovL2V4YW1wbGUuaW52YWxpZC9wYXlsb2Fk',
    '',
    'rule Demo_Nosedive_Strings {',
    '  strings: $a = "nosedive" $b = "w8510"',
    '  condition: all of them',
    '}',
    '',
  ].join('\n');
}

/** A STIX 2.1 bundle with the C2 domain, certificate fingerprints and one pattern we cannot use. */
export function stixBundle(start: number): string {
  const created = new Date(start - 30 * DAY).toISOString();
  const ind = (n: number, pattern: string, name: string) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    created,
    modified: created,
    name,
    pattern_type: 'stix',
    pattern,
    valid_from: created,
    indicator_types: ['malicious-activity'],
    labels: ['raptor-train-demo'],
  });
  return JSON.stringify(
    {
      type: 'bundle',
      id: 'bundle--00000000-0000-4000-8000-000000000001',
      objects: [
        ind(1, `[domain-name:value = '${C2_DOMAIN}']`, 'C2 parent domain'),
        ...C2_CERTS.map((h, i) => ind(2 + i, `[x509-certificate:hashes.'SHA-256' = '${h}']`, 'C2 TLS certificate')),
        ind(9, `[file:hashes.'SHA-256' = '${hex('dropper')}']`, 'Dropper (not a network indicator)'),
      ],
    },
    null,
    2,
  );
}

/** MISP warninglists for the demo's own benign infrastructure. */
export function warninglists(): { name: string; json: string }[] {
  const list = (name: string, entries: string[]) =>
    JSON.stringify({ name, version: 1, description: 'demo', type: 'cidr', list: entries, matching_attributes: ['ip-src', 'ip-dst'] });
  return [
    { name: 'demo-public-dns.json', json: list('Demo public DNS resolvers', RESOLVERS) },
    { name: 'demo-scanners.json', json: list('Demo research scanners', ['198.51.100.128/25']) },
  ];
}
