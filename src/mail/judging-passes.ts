// Judging reads every stored message in one order (infrastructure key, template, hash) with its
// resources. Read in one sorted query, that order takes engine memory in proportion to the store.
// So it is cut into passes planned once: each a range of the order holding a bounded number of
// messages and resources, its limits keys drawn from a sample of the stored messages. A pass
// selects its messages, and its resources (which carry their message's keys), by the range alone
// and sorts only them; the passes read one after another give the order of one sort. Each pass
// still reads the key columns of the whole store once: passes hold thousands of messages.
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';

/** How much of the judging order a pass holds at most, roughly. */
export interface JudgingPassSize {
  messages: number;
  resources: number;
}

/**
 * About sixty passes for a 1 GB mbox (563,000 messages, 1.3 million resources). Each pass reads
 * the two tables' key columns once, which is cheap next to judging its messages; its rows are
 * held at once while it is judged and are garbage after it, collected between passes once the
 * heap is over a bound (messages-sql.ts). Judging that mbox's store in a process of its own,
 * DuckDB limited to 256 MB: passes of 5,000 messages peaked at 433 MB RSS in 38.5 s, of 10,000 at
 * 455 MB in 35.1 s, of 20,000 at 571 MB in 33.1 s.
 */
export const PASS_SIZE: JudgingPassSize = { messages: 10_000, resources: 30_000 };

/** A place in the judging order. */
export interface JudgingKey {
  infraKey: string;
  template: string;
  sha256: string;
}

/** A range of the judging order: from `from` (included) to `to` (left out); open where absent. */
export interface JudgingPass {
  from?: JudgingKey;
  to?: JudgingKey;
}

/** Sampled keys per pass: the cuts fall within a few percent of an even split. */
const SAMPLE_PER_PASS = 200;

const count = async (d: Driver, name: string): Promise<number> => {
  const r = await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM ${sql.ident(name)} t WHERE ${d.dialect.visibleRows(sql.ident('t'))}`);
  return Number(r?.n ?? 0);
};

/** The ranges the judging order is read in, in that order. */
export async function planPasses(d: Driver, size: JudgingPassSize = PASS_SIZE): Promise<JudgingPass[]> {
  const messages = await count(d, 'mail_messages');
  const passes = Math.max(Math.ceil(messages / size.messages), Math.ceil((await count(d, 'mail_resources')) / size.resources), 1);
  if (passes === 1) return [{}];
  // A sample picked by the integer key of each message's hash: the same store gives the same passes.
  const every = Math.max(1, Math.floor(messages / (passes * SAMPLE_PER_PASS)));
  const sample = await d.all<{ infra_key: string; template: string; sha256: string }>(
    sql`SELECT m.infra_key, m.template, m.sha256 FROM mail_messages m
        WHERE m.sha_key % ${sql.typed(every, 'count')} = 0 AND ${d.dialect.visibleRows(sql.ident('m'))}
        ORDER BY m.infra_key, m.template, m.sha256`,
  );
  const cuts: JudgingKey[] = [];
  for (let k = 1; k < passes; k++) {
    const s = sample[Math.floor((k * sample.length) / passes)];
    // The sample is sorted and its hashes distinct: a cut is after the last one unless it is the same row.
    if (s && s.sha256 !== cuts[cuts.length - 1]?.sha256) cuts.push({ infraKey: s.infra_key, template: s.template, sha256: s.sha256 });
  }
  return [undefined, ...cuts].map((from, i) => ({ ...(from && { from }), ...(cuts[i] && { to: cuts[i] }) }));
}

/**
 * The condition that a row of alias `t` is in the pass: a message, or a resource by its message's
 * keys (`sha` names the column holding the message's hash). The first key column is also compared
 * alone, a condition the engine applies while it scans.
 */
export function inPass(pass: JudgingPass, t: string, sha: string): Sql {
  const col = (name: string) => sql.ident(t, name);
  const parts: Sql[] = [];
  const bound = (k: JudgingKey, op: '>' | '<', last: Sql) => {
    parts.push(sql`${col('infra_key')} ${sql.raw(op)}= ${k.infraKey}`);
    parts.push(
      sql`(${col('infra_key')} ${sql.raw(op)} ${k.infraKey} OR (${col('infra_key')} = ${k.infraKey} AND (${col('template')} ${sql.raw(op)} ${k.template} OR (${col('template')} = ${k.template} AND ${col(sha)} ${last} ${k.sha256}))))`,
    );
  };
  if (pass.from) bound(pass.from, '>', sql.raw('>='));
  if (pass.to) bound(pass.to, '<', sql.raw('<'));
  return parts.length ? sql.join(parts, sql.raw(' AND ')) : sql.raw('1 = 1');
}
