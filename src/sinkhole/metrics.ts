// Prometheus text exposition (version 0.0.4) of metric samples, all under botcensus_sinkhole_.
import type { MetricSample } from './component.js';

const PREFIX = 'botcensus_sinkhole_';

export function renderPrometheus(samples: MetricSample[]): string {
  const byName = new Map<string, MetricSample[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }
  let out = '';
  for (const [name, list] of byName) {
    const first = list[0]!;
    out += `# HELP ${PREFIX}${name} ${first.help}\n# TYPE ${PREFIX}${name} ${first.type}\n`;
    for (const s of list) {
      const labels = Object.entries(s.labels);
      const l = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      out += `${PREFIX}${name}${l} ${Number.isFinite(s.value) ? s.value : 0}\n`;
    }
  }
  return out;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Reads one sample's value back from exposition text (for tests and the bench). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(PREFIX + name)) continue;
    const rest = line.slice(PREFIX.length + name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (want.every((w) => rest.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
