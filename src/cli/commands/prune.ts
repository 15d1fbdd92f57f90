// botcensus prune --keep-flows 90d --keep-logs 30d: retention of raw telemetry, for a schedule of
// its own (cron, a systemd timer) or next to `serve --keep-flows`, which applies it hourly.
import { Command } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import type { RawTelemetryKind, Store } from '../../store/store.js';
import { toJson, withWritingStore } from '../context.js';
import { pruneRawTelemetry } from '../../telemetry/retention.js';

export interface Retention {
  flows?: number;
  logs?: number;
}

export function retentionOf(o: { keepFlows?: string; keepLogs?: string }): Retention {
  const parse = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const ms = parseDuration(v);
    if (ms === null) throw new BotcensusError('USAGE', `${name} takes a duration like 90d, 12h or 2w, not ${JSON.stringify(v)}`);
    return ms;
  };
  return { flows: parse(o.keepFlows, '--keep-flows'), logs: parse(o.keepLogs, '--keep-logs') };
}

/** Deletes raw data older than the retention allows, counted back from `now`. */
export async function applyRetention(store: Store, keep: Retention, now = Date.now()): Promise<{ table: string; deleted: number }[]> {
  const before: Partial<Record<RawTelemetryKind, Date>> = {};
  if (keep.flows) before.flows = new Date(now - keep.flows);
  if (keep.logs) before.logs = new Date(now - keep.logs);
  return Object.keys(before).length ? pruneRawTelemetry(store.driver, before) : [];
}

export function pruneCommand(): Command {
  return new Command('prune')
    .description('delete raw flows and logs older than the retention; sightings, victims, devices and notifications stay')
    .option('--keep-flows <duration>', 'keep raw flows this long (e.g. 90d)')
    .option('--keep-logs <duration>', 'keep raw DNS, HTTP, TLS and IDS logs this long (e.g. 30d)')
    .option('--json', 'print what was deleted as JSON')
    .action(async (o, cmd: Command) => {
      const keep = retentionOf(o);
      if (!keep.flows && !keep.logs) throw new BotcensusError('USAGE', 'prune needs --keep-flows or --keep-logs');
      await withWritingStore(cmd, async (store) => {
        const deleted = await applyRetention(store, keep);
        if (o.json) process.stdout.write(toJson(deleted));
        else for (const d of deleted) console.log(`${d.table}: ${d.deleted.toLocaleString('en-US')} rows older than the retention deleted`);
      });
    });
}
