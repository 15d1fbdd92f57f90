// Passive rows of a telemetry import as services: HTTP and TLS servers by their Server header and
// certificate, HTTP and TLS clients by their User-Agent and SNI, and Shadowserver rows that describe
// a device. Runs after each telemetry import, and for any import left over, before identification.
import type { PassiveRecord, ServiceInput } from './store-types.js';
import type { Store } from '../store/store.js';
import { fromHttpClient, fromHttpRecord, fromReportRecord, fromTlsClient, fromTlsRecord, REPORT_DEVICE_EXTRA } from './from-telemetry.js';
import type { ServiceObservation } from '../core/model/service.js';
import { identifyStore } from './store.js';

/** Whether an observation says anything a device could be identified or recognised by. */
function describes(o: ServiceObservation): boolean {
  return Object.keys(o.banners).length > 0 || !!o.certSha256 || !!o.sshHostKeySha256 || !!o.deviceIdHint || !!o.hints;
}

/** The services in one import's folded passive rows; `format` names the source ("zeek-http"). */
export function passiveServices(format: string, records: PassiveRecord[]): ServiceInput[] {
  const out: ServiceInput[] = [];
  for (const r of records) {
    let o: ServiceObservation | undefined;
    if (r.kind === 'http') o = r.serverHeader ? fromHttpRecord(r, `${format}-http`) : fromHttpClient(r, `${format}-http`);
    else if (r.kind === 'tls') o = r.sni && !r.certSha256 && !r.subject ? fromTlsClient(r, `${format}-tls`) : fromTlsRecord(r, `${format}-tls`);
    else {
      o = fromReportRecord(r, format);
      if (!describes(o)) o = undefined;
    }
    if (o) out.push({ ...o, line: r.line, lastTs: r.lastTs, events: r.events });
  }
  return out;
}

/** Turns one telemetry import's passive rows into services; returns how many. */
export async function derivePassiveServices(store: Store, importId: number): Promise<number> {
  return identifyStore(store).derivePassiveServices(importId, passiveServices, REPORT_DEVICE_EXTRA);
}

/** Derives the services of every telemetry import not done yet (imports from before this stage existed). */
export async function derivePendingServices(store: Store): Promise<{ imports: number; services: number }> {
  let services = 0;
  const pending = await identifyStore(store).pendingPassiveImports();
  for (const id of pending) services += await derivePassiveServices(store, id);
  return { imports: pending.length, services };
}
