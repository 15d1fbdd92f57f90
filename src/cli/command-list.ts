// The commands by name, each with the one line the overall --help shows and how to load it. Only the
// command being run is loaded (with the stages it uses: DuckDB, the server, the browser), so
// `botcensus --help`, `--version` and usage errors answer without loading any of them.
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'intel', summary: 'indicator lists (text/TSV/CSV, STIX 2.1, MISP, Zeek Intel) and MISP warninglists: import, list, export', load: async () => (await import('./commands/intel.js')).intelCommand() },
  { name: 'ingest', summary: 'import telemetry: flows, Zeek and Suricata logs, Shadowserver reports, scans; gzip accepted, directories walked', load: async () => (await import('./commands/ingest.js')).ingestCommand() },
  { name: 'census', summary: 'count victims by country, ASN, organisation, family, ... with shares (active, window, cumulative)', load: async () => (await import('./commands/census.js')).censusCommand() },
  { name: 'victims', summary: 'list victims with enrichment, families, indicators, evidence grade and first/last seen', load: async () => (await import('./commands/victims.js')).victimsCommand() },
  { name: 'lookup', summary: 'everything known about one address, and why near misses did not match', load: async () => (await import('./commands/victims.js')).lookupCommand() },
  { name: 'enrich', summary: 'enrichment providers (MaxMind, IPinfo, DB-IP .mmdb, DB-IP CSV, RouteViews pfx2as) and re-enrichment', load: async () => (await import('./commands/enrich.js')).enrichCommand() },
  { name: 'imports', summary: 'list imported files with counts of records, rejected lines and skipped sections', load: async () => (await import('./commands/imports.js')).importsCommand() },
  { name: 'export', summary: 'write victims or sightings to Parquet, CSV or JSON lines', load: async () => (await import('./commands/export.js')).exportCommand() },
  { name: 'identify', summary: 'identify devices from scan and passive data, merge identities, match the KEV catalog', load: async () => (await import('./commands/identify.js')).identifyCommand() },
  { name: 'exposure', summary: 'identified devices by vendor, product, type or CVE, and how many carry a known exploited vulnerability', load: async () => (await import('./commands/exposure.js')).exposureCommand() },
  { name: 'kev', summary: "CISA's Known Exploited Vulnerabilities catalog: import a file, or update when online", load: async () => (await import('./commands/kev.js')).kevCommand() },
  { name: 'fingerprints', summary: 'self-test a Recog-format fingerprint database, or fetch Recog\'s own', load: async () => (await import('./commands/fingerprints.js')).fingerprintsCommand() },
  { name: 'report', summary: 'write the advisory-grade report as HTML, PDF or Markdown', load: async () => (await import('./commands/report.js')).reportCommand() },
  { name: 'owners', summary: 'the contact database: network owners, their ASNs and blocks, and how to reach them', load: async () => (await import('./commands/owners.js')).ownersCommand() },
  { name: 'notify', summary: 'notify network owners about their compromised devices: plan, send, log', load: async () => (await import('./commands/notify.js')).notifyCommand() },
  { name: 'remediation', summary: 'for notified victims: cleaned or still seen, share cleaned after 1, 7 and 30 days', load: async () => (await import('./commands/remediation.js')).remediationCommand() },
  { name: 'serve', summary: 'serve the JSON API and the web app', load: async () => (await import('./commands/serve.js')).serveCommand() },
  { name: 'sinkhole', summary: 'take over a botnet\'s command names and addresses: DNS, HTTP(S) and TCP listeners that log every check-in as a sighting', load: async () => (await import('./commands/sinkhole.js')).sinkholeCommand() },
  { name: 'watch', summary: 'drop folders: import every complete file that appears, each once (next to a running server: added to it)', load: async () => (await import('./commands/watch.js')).watchCommand() },
  { name: 'prune', summary: 'retention: delete raw flows and logs older than a duration; sightings and victims stay', load: async () => (await import('./commands/prune.js')).pruneCommand() },
  { name: 'backup', summary: 'a consistent copy of the whole store into a new folder, safe while serving', load: async () => (await import('./commands/backup.js')).backupCommand() },
  { name: 'restore', summary: 'create a store from a backup folder', load: async () => (await import('./commands/backup.js')).restoreCommand() },
  { name: 'tokens', summary: 'API tokens for `botcensus serve`: create, list, revoke', load: async () => (await import('./commands/tokens.js')).tokensCommand() },
  { name: 'mail', summary: 'tracking beacons in mail: scan mailboxes, group campaigns, export their beacon hosts', load: async () => (await import('./commands/mail.js')).mailCommand() },
  { name: 'demo', summary: 'build a reproducible botnet scenario and run the whole pipeline on it (npm start)', load: async () => (await import('./commands/demo.js')).demoCommand() },
];

/** The command named on the command line (after the global options), or undefined. `help X` names X. */
export function commandNamed(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--db' || a === '--store') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a === 'help' ? args[i + 1] : a;
  }
  return undefined;
}
