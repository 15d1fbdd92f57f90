// botcensus enrich: which range data a store enriches from (remembered per store), and enriching
// the stored victims again after that data changed.
import { resolve } from 'node:path';
import { Command } from 'commander';
import { openChain } from '../../core/geo-data.js';
import { describeSources, sourceLabel, staleWarnings } from '../../enrich/provenance.js';
import type { GeoChain } from '../../store/store.js';
import { toJson, withWritingStore } from '../context.js';
import { enrichVictims, enrichmentSources, geoChain, setGeoChain } from '../../enrich/enrich.js';

const collect = (v: string, all: string[] = []) => [...all, v];

export function enrichCommand(): Command {
  return new Command('enrich')
    .description('set the country and ASN data (MaxMind/IPinfo/DB-IP .mmdb, DB-IP CSV, RouteViews pfx2as) and enrich the stored victims')
    .option('--geo <file>', 'country data, asked in the order given before the built-in data (repeatable; replaces the stored list)', collect)
    .option('--asn <file>', 'ASN data, asked in the order given before the built-in data (repeatable; replaces the stored list)', collect)
    .option('--builtin-only', 'forget the files given before: the @ip-location-db data alone')
    .option('--refresh', 'load the data again and enrich every stored victim again (after a file was replaced)')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      '\nThe first provider with an answer wins; the @ip-location-db packages answer last. The list is kept in the store,\n' +
        'so later imports use it too. A file that changes is noticed (size and time) and the victims are enriched again.',
    )
    .action(async (o: { geo?: string[]; asn?: string[]; builtinOnly?: boolean; refresh?: boolean; json?: boolean }, cmd: Command) => {
      await withWritingStore(cmd, async (store) => {
        const chain: GeoChain = o.builtinOnly ? { asn: [], country: [] } : await geoChain(store.driver);
        if (o.asn) chain.asn = o.asn.map((f) => resolve(f));
        if (o.geo) chain.country = o.geo.map((f) => resolve(f));
        openChain(chain); // every file readable and recognised before the store remembers it
        await setGeoChain(store.driver, chain);
        if (process.stderr.isTTY) process.stderr.write('enrich: loading the range data when it changed, then enriching victims…\n');
        const enriched = await enrichVictims(store, { refresh: o.refresh });
        const sources = await enrichmentSources(store.driver);
        const now = Date.now();
        const warnings = staleWarnings(sources, now);
        if (o.json) return void process.stdout.write(toJson({ chain, sources, enriched, warnings }));
        for (const s of sources)
          console.log(`${s.role.padEnd(7)} ${sourceLabel(s.name, s.dataDate, now)}  ${s.ranges} ranges${s.file ? `  ${s.file}` : ''}`);
        console.log(`${enriched} victim addresses enriched`);
        for (const l of describeSources(sources, now).slice(-1)) console.log(l);
        for (const w of warnings) console.error(`warning: ${w}`);
      });
    });
}
