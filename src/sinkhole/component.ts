// The shape every long-running part of the sinkhole shares: a config with defaults, its
// dependencies passed in explicitly, start and stop, and what it says about its health and counts.

/** One time series of a Prometheus counter or gauge. */
export interface MetricSample {
  /** Metric name without the `botcensus_sinkhole_` prefix, e.g. "accepted_total". */
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  labels: Record<string, string>;
  value: number;
}

export interface Health {
  /** Green while the part does its job; red with a reason otherwise. */
  ok: boolean;
  detail?: string;
}

export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Stops taking new work, finishes what was accepted, releases what it holds. */
  stop(): Promise<void>;
  health(): Health;
  metrics(): MetricSample[];
}
