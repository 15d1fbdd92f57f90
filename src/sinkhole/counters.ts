// Per-listener counts: what each listener accepted, answered and shed (by reason), kept as plain
// numbers on the hot path and turned into metric samples when asked.
import type { MetricSample } from './component.js';

export type ShedReason = 'rate' | 'connections' | 'queue' | 'timeout' | 'size' | 'malformed';

export class ListenerCounters {
  /** Check-ins appended to the journal. */
  accepted = 0;
  /** Answers sent after their check-in was durable (and REFUSED/other answers that need none). */
  answered = 0;
  /** DNS questions for names outside the sinkhole, answered REFUSED. */
  refused = 0;
  readonly shed: Record<ShedReason, number> = { rate: 0, connections: 0, queue: 0, timeout: 0, size: 0, malformed: 0 };
  /** Open connections (TCP listeners). */
  open = 0;

  constructor(readonly listener: string) {}

  samples(): MetricSample[] {
    const l = { listener: this.listener };
    const out: MetricSample[] = [
      { name: 'accepted_total', help: 'check-ins appended to the journal', type: 'counter', labels: l, value: this.accepted },
      { name: 'answered_total', help: 'answers sent', type: 'counter', labels: l, value: this.answered },
      { name: 'refused_total', help: 'DNS questions outside the sinkholed names, answered REFUSED', type: 'counter', labels: l, value: this.refused },
      { name: 'open_connections', help: 'connections open now', type: 'gauge', labels: l, value: this.open },
    ];
    for (const [reason, value] of Object.entries(this.shed))
      out.push({ name: 'shed_total', help: 'requests or connections shed, by reason', type: 'counter', labels: { ...l, reason }, value });
    return out;
  }
}
