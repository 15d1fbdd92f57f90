// Maps each telemetry record kind to its table, and each of the table's declared columns to the
// record field it comes from. The appender reads fields straight off the record in column order.
import type { TelemetryRecord } from '../core/model/telemetry.js';

export type TelemetryTable = 'flows' | 'dns' | 'http' | 'tls' | 'reports' | 'alerts';

export const TABLE_OF_KIND: Record<TelemetryRecord['kind'], TelemetryTable> = {
  flow: 'flows',
  dns: 'dns',
  http: 'http',
  tls: 'tls',
  report: 'reports',
  alert: 'alerts',
};

/** Column name -> record field, where they differ (snake_case columns, camelCase fields). */
const FIELD_OF_COLUMN: Record<string, string> = {
  rev_bytes: 'revBytes',
  rev_packets: 'revPackets',
  user_agent: 'userAgent',
  server_header: 'serverHeader',
  cert_sha256: 'certSha256',
  cert_sha1: 'certSha1',
  dst_ip: 'dstIp',
  dst_port: 'dstPort',
  report_type: 'reportType',
  device_vendor: 'deviceVendor',
  device_type: 'deviceType',
  device_model: 'deviceModel',
  device_version: 'deviceVersion',
  device_id: 'deviceId',
  signature_id: 'signatureId',
};

/** The record field a telemetry column is read from ('import_id' is supplied by the import). */
export function fieldOfColumn(column: string): string {
  return FIELD_OF_COLUMN[column] ?? column;
}
