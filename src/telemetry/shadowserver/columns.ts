// The column rules every Shadowserver report shares, as IntelMQ-style [field, columns, converter]
// mappings, and their compilation against one file's header into a per-row plan.
import { FieldError } from '../../core/errors.js';
import type { ReportRecord } from '../../core/model/telemetry.js';
import { CONVERTERS, type Converter, type ConverterName } from './converters.js';

/** The ReportRecord fields a column can fill. */
export type MappedField =
  | 'ts'
  | 'ip'
  | 'port'
  | 'dstIp'
  | 'dstPort'
  | 'protocol'
  | 'asn'
  | 'geo'
  | 'hostname'
  | 'infection'
  | 'family'
  | 'tag'
  | 'deviceVendor'
  | 'deviceType'
  | 'deviceModel'
  | 'deviceVersion'
  | 'deviceId';

type Rule = [field: MappedField, columns: readonly string[], converter: ConverterName, required?: 'required'];

/**
 * Candidate columns in order of preference; `{v}` is the victim's prefix ("" for `ip`, "src_" for
 * `src_ip`, "dst_" for `dst_ip`) and `{o}` the other end's ("src_" when the victim is `dst_ip`,
 * else "dst_"), so sinkhole rows take `src_asn` while scan rows take `asn`.
 */
export const COLUMN_RULES: readonly Rule[] = [
  ['ts', ['timestamp'], 'time', 'required'],
  ['ip', ['{v}ip'], 'address', 'required'],
  ['port', ['{v}port', 'port'], 'port'],
  ['asn', ['{v}asn', 'asn'], 'asn'],
  ['geo', ['{v}geo', 'geo'], 'countryCode'],
  ['hostname', ['{v}hostname', 'hostname'], 'host'],
  ['dstIp', ['{o}ip'], 'address'],
  ['dstPort', ['{o}port'], 'port'],
  ['protocol', ['protocol'], 'lower'],
  ['infection', ['infection'], 'text'],
  ['family', ['family', 'malware_family'], 'text'],
  ['tag', ['tag'], 'text'],
  ['deviceVendor', ['device_vendor'], 'text'],
  ['deviceType', ['device_type'], 'text'],
  ['deviceModel', ['device_model'], 'text'],
  ['deviceVersion', ['device_version'], 'text'],
  // Not scan_ssh's available_mac/selected_mac: those are message-authentication algorithms.
  ['deviceId', ['device_id', 'device_serial', 'serial', 'mac_address', 'mac'], 'text'],
];

export interface PlanStep {
  field: MappedField;
  index: number;
  column: string;
  convert: Converter;
  required: boolean;
}

export interface ColumnPlan {
  steps: PlanStep[];
  /** Columns not mapped, kept verbatim in `extra`: [index, name]. */
  extra: Array<[number, string]>;
  /** Set when the header lacks a required column: every row is rejected with it. */
  missing?: FieldError;
}

/** The column naming the host a row is about: the table's choice if present, else src_ip, else ip. */
export function victimColumn(header: readonly string[], preferred: string | null | undefined): string | null {
  if (preferred && header.includes(preferred)) return preferred;
  if (header.includes('src_ip')) return 'src_ip';
  if (header.includes('ip')) return 'ip';
  return null;
}

/** Resolves the rules against a (lower-cased) header for the given victim column. */
export function compilePlan(header: readonly string[], victim: string | null, reportType: string): ColumnPlan {
  const v = victim === null ? '' : victim.slice(0, -'ip'.length);
  const o = v === 'dst_' ? 'src_' : 'dst_';
  const used = new Set<number>();
  const steps: PlanStep[] = [];
  let missing: FieldError | undefined;
  for (const [field, candidates, conv, required] of COLUMN_RULES) {
    const names = candidates.map((c) => c.replace('{v}', v).replace('{o}', o));
    const index = names.map((n) => header.indexOf(n)).find((i) => i >= 0 && !used.has(i));
    if (index === undefined) {
      if (required && !missing) {
        missing =
          field === 'ip'
            ? new FieldError('ip', `no ip or src_ip column: report type ${reportType} names no host`)
            : new FieldError(names[0], `header has no ${names[0]} column`);
      }
      continue;
    }
    used.add(index);
    steps.push({ field, index, column: header[index]!, convert: CONVERTERS[conv], required: required !== undefined });
  }
  const extra: Array<[number, string]> = [];
  header.forEach((name, i) => {
    if (!used.has(i)) extra.push([i, name === '' ? `column_${i + 1}` : name]);
  });
  return { steps, extra, missing };
}

/** Sets one mapped value on a record under construction. */
export function assign(rec: Partial<ReportRecord>, field: MappedField, value: string | number | bigint): void {
  (rec as Record<string, unknown>)[field] = value;
}
