// botcensus exposure: identified devices by vendor, product, device type or CVE, how many carry a
// known exploited vulnerability (KEV), and how many of those the census also saw compromised.
import { Command, Option } from 'commander';
import type { ExposedDevice, ExposureDimension, ExposureRow } from '../../store/identify.js';
import { toJson, withStore } from '../context.js';
import { wholeNumber } from '../options.js';
import { identifyStore, type ExposureReport } from '../../identify/store.js';

const HEAD: Record<ExposureDimension, string> = { vendor: 'Vendor', product: 'Product', device: 'Device type', cve: 'CVE' };

function table(r: ExposureReport): string[] {
  const rows: ExposureRow[] = r.others ? [...r.rows, r.others] : r.rows;
  const head = [HEAD[r.by], 'Devices', 'Exposed', 'Version-checked', 'Compromised', 'Exposed+compromised'];
  const body = rows.map((x) => [x.label, x.devices, x.exposed, x.versionConfirmed, x.compromised, x.exposedCompromised].map(String));
  const t = r.totals;
  body.push(['Total', t.devices, t.exposed, '', t.compromised, t.exposedCompromised].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

function header(r: ExposureReport): string[] {
  const t = r.totals;
  const kev = r.kev
    ? `KEV catalog${r.kev.catalogVersion ? ' ' + r.kev.catalogVersion : ''}: ${r.kev.entries} entries (${r.kev.file})`
    : 'KEV catalog: none imported (botcensus kev import FILE); no device can be exposed yet';
  return [
    kev,
    `Devices: ${t.devices} identified${r.kevOnly ? ' and exposed' : ''} over ${t.addresses} addresses; ${t.stableDevices} by a stable identity spanning ${t.stableAddresses} addresses`,
    `Exposed to a known exploited vulnerability: ${t.exposed}; of those seen compromised: ${t.exposedCompromised}`,
    '',
  ];
}

function listing(devices: ExposedDevice[]): string[] {
  const out: string[] = [];
  for (const d of devices) {
    const what = [d.vendor, d.product, d.version].filter(Boolean).join(' ') || 'unidentified';
    out.push(`${d.device}  ${what}${d.deviceType ? ` (${d.deviceType})` : ''}${d.compromised ? '  COMPROMISED' : ''}`);
    out.push(`  addresses: ${d.addresses.join(', ')}`);
    for (const e of d.evidence.slice(0, 4))
      out.push(`  seen: ${e.source} ${e.key} ${JSON.stringify(e.banner.length > 60 ? e.banner.slice(0, 60) + '…' : e.banner)} → ${e.fingerprint}${e.file ? ` (${e.file}${e.line ? ':' + e.line : ''})` : ''}`);
    for (const x of d.exposures) {
      out.push(`  ${x.cveID} ${x.name ?? ''} [${x.level}, ${x.matchedOn}]`);
      for (const ev of x.evidence) out.push(`    - ${ev}`);
    }
  }
  return out;
}

export function exposureCommand(): Command {
  return new Command('exposure')
    .description('exposed devices: identified devices that carry known exploited vulnerabilities (KEV), and those also seen compromised')
    .addOption(new Option('--by <dimension>').choices(['vendor', 'product', 'device', 'cve']).default('cve'))
    .option('--kev-only', 'count only devices with at least one KEV exposure')
    .option('--top <n>', 'rows before "others"', '20')
    .option('--list', 'list the exposed devices with their evidence instead of counting')
    .option('--cve <id>', 'with --list: only devices exposed to this CVE')
    .option('--limit <n>', 'with --list: at most this many devices', '100')
    .option('--json', 'print the result as JSON')
    .action(async (o: { by: ExposureDimension; kevOnly?: boolean; top: string; list?: boolean; cve?: string; limit: string; json?: boolean }, cmd: Command) => {
      wholeNumber(o.limit, '--limit');
      wholeNumber(o.top, '--top');
      await withStore(cmd, async (store) => {
        if (o.list) {
          const devices = await identifyStore(store).exposedDevices({ kevOnly: true, cve: o.cve?.toUpperCase(), limit: wholeNumber(o.limit, '--limit') });
          if (o.json) return void process.stdout.write(toJson(devices));
          const lines = listing(devices);
          return void console.log(lines.length ? lines.join('\n') : 'no exposed devices');
        }
        const r = await identifyStore(store).exposure({ by: o.by, kevOnly: o.kevOnly ?? false, top: wholeNumber(o.top, '--top')! });
        if (o.json) return void process.stdout.write(toJson(r));
        console.log([...header(r), ...table(r)].join('\n'));
      });
    });
}
