// Maps each telemetry record kind to its table and a row keyed by that table's declared columns.
import type { TelemetryRecord } from '../../telemetry/records.js';

export type TelemetryTable = 'flows' | 'dns' | 'http' | 'tls' | 'reports' | 'alerts';

export const TABLE_OF_KIND: Record<TelemetryRecord['kind'], TelemetryTable> = {
  flow: 'flows',
  dns: 'dns',
  http: 'http',
  tls: 'tls',
  report: 'reports',
  alert: 'alerts',
};

export function rowOf(r: TelemetryRecord, importId: number): Record<string, unknown> {
  const base = { import_id: importId, line: r.line ?? 0 };
  switch (r.kind) {
    case 'flow':
      return {
        ...base,
        ts: r.ts,
        te: r.te,
        src: r.src,
        dst: r.dst,
        sport: r.sport,
        dport: r.dport,
        proto: r.proto,
        bytes: r.bytes,
        packets: r.packets,
        rev_bytes: r.revBytes,
        rev_packets: r.revPackets,
        state: r.state,
      };
    case 'dns':
      return { ...base, ts: r.ts, client: r.client, server: r.server, query: r.query, qtype: r.qtype, answers: r.answers };
    case 'http':
      return {
        ...base,
        ts: r.ts,
        client: r.client,
        server: r.server,
        dport: r.dport,
        host: r.host,
        uri: r.uri,
        method: r.method,
        user_agent: r.userAgent,
        server_header: r.serverHeader,
        status: r.status,
      };
    case 'tls':
      return {
        ...base,
        ts: r.ts,
        client: r.client,
        server: r.server,
        dport: r.dport,
        sni: r.sni,
        cert_sha256: r.certSha256,
        cert_sha1: r.certSha1,
        subject: r.subject,
        issuer: r.issuer,
        ja3: r.ja3,
      };
    case 'report':
      return {
        ...base,
        ts: r.ts,
        ip: r.ip,
        port: r.port,
        dst_ip: r.dstIp,
        dst_port: r.dstPort,
        protocol: r.protocol,
        asn: r.asn,
        geo: r.geo,
        hostname: r.hostname,
        report_type: r.reportType,
        compromised: r.compromised,
        infection: r.infection,
        family: r.family,
        tag: r.tag,
        device_vendor: r.deviceVendor,
        device_type: r.deviceType,
        device_model: r.deviceModel,
        device_version: r.deviceVersion,
        device_id: r.deviceId,
        extra: Object.keys(r.extra).length ? r.extra : undefined,
      };
    case 'alert':
      return {
        ...base,
        ts: r.ts,
        src: r.src,
        dst: r.dst,
        sport: r.sport,
        dport: r.dport,
        proto: r.proto,
        signature: r.signature,
        signature_id: r.signatureId,
        category: r.category,
        severity: r.severity,
      };
  }
}
