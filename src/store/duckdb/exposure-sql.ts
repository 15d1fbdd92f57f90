// The census's answer the identify stage's exposure reads (src/identify/exposure-sql.ts): the
// devices victims were mapped to (VICTIM_CTES), over all time, warninglisted victims left out.
import type { Db } from './connection.js';
import { loadConstituency, VICTIM_CTES, victimParams } from './victim-sql.js';

export async function compromisedDevices(db: Db): Promise<string[]> {
  return db.exclusive(async () => {
    await loadConstituency(db, undefined);
    const rows = await db.all<{ device: string }>(
      `WITH ${VICTIM_CTES} SELECT DISTINCT ident AS device FROM v WHERE ident IS NOT NULL AND warned_by IS NULL`,
      victimParams({}),
    );
    return rows.map((r) => r.device);
  });
}
