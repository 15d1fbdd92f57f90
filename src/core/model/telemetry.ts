// What every telemetry reader produces: a handful of normalised record kinds. Addresses are
// integers from core/ip (IPv4-mapped), times are epoch milliseconds UTC.

/** Set by the reader base, not by parsers: the 1-based line the record came from. */
export interface RecordOrigin {
  line?: number;
}

/** One flow or connection. Unidirectional formats leave the rev* fields undefined. */
export interface FlowRecord extends RecordOrigin {
  kind: 'flow';
  /** Start of the flow. */
  ts: number;
  /** End of the flow, when the format says. */
  te?: number;
  src: bigint;
  dst: bigint;
  sport?: number;
  dport?: number;
  /** Lower-case protocol name: tcp, udp, icmp, ... or the number as text. */
  proto?: string;
  /** Bytes and packets from src to dst (for unidirectional formats: the flow's bytes). */
  bytes?: number;
  packets?: number;
  /** Bytes and packets dst to src, for formats that record both directions (Zeek, Argus, Suricata). */
  revBytes?: number;
  revPackets?: number;
  /** Connection state or flags as the format spells it (Zeek conn_state, Argus State). */
  state?: string;
}

export interface DnsRecord extends RecordOrigin {
  kind: 'dns';
  ts: number;
  /** The host that asked. */
  client: bigint;
  /** The resolver it asked, when known. */
  server?: bigint;
  /** Lower-case query name without a trailing dot. */
  query: string;
  qtype?: string;
  /** Answers as text (addresses or names). */
  answers?: string[];
}

export interface HttpRecord extends RecordOrigin {
  kind: 'http';
  ts: number;
  client: bigint;
  server: bigint;
  dport?: number;
  /** Host header, lower-case, without port. */
  host?: string;
  uri?: string;
  method?: string;
  userAgent?: string;
  /** Server response header, for device identification. */
  serverHeader?: string;
  status?: number;
}

export interface TlsRecord extends RecordOrigin {
  kind: 'tls';
  ts: number;
  client: bigint;
  server: bigint;
  dport?: number;
  /** Server Name Indication, lower-case. */
  sni?: string;
  /** Lower-case hex fingerprints of the server certificate, without colons. */
  certSha256?: string;
  certSha1?: string;
  subject?: string;
  issuer?: string;
  ja3?: string;
}

/**
 * A report row that is itself a sighting of a host (Shadowserver report, sinkhole check-in) or a
 * description of it (scan/device report).
 */
export interface ReportRecord extends RecordOrigin {
  kind: 'report';
  ts: number;
  /** The host the row is about (Shadowserver `ip` or `src_ip`). */
  ip: bigint;
  port?: number;
  /** The other end when the report names it (sinkhole address, honeypot). */
  dstIp?: bigint;
  dstPort?: number;
  protocol?: string;
  asn?: number;
  /** ISO 3166 alpha-2 country code as reported. */
  geo?: string;
  hostname?: string;
  /** Report type, e.g. "event4_sinkhole", from the file name. */
  reportType: string;
  /** Whether the row says the host is compromised (sinkhole, infection) rather than merely exposed. */
  compromised: boolean;
  infection?: string;
  family?: string;
  tag?: string;
  deviceVendor?: string;
  deviceType?: string;
  deviceModel?: string;
  deviceVersion?: string;
  /** A stable device identifier when the report carries one (device_id, serial, MAC). */
  deviceId?: string;
  /** Every other column, verbatim. */
  extra: Record<string, string>;
}

/** An IDS alert (Suricata EVE alert): kept as evidence, not an indicator match by itself. */
export interface AlertRecord extends RecordOrigin {
  kind: 'alert';
  ts: number;
  src: bigint;
  dst: bigint;
  sport?: number;
  dport?: number;
  proto?: string;
  signature: string;
  signatureId?: number;
  category?: string;
  severity?: number;
}

export type TelemetryRecord = FlowRecord | DnsRecord | HttpRecord | TlsRecord | ReportRecord | AlertRecord;
export type TelemetryKind = TelemetryRecord['kind'];
