// Tables of the identify part of the store (device identification and exposure), declared once
// like the rest (see schema.ts).
import type { Column, ColumnType, Table } from './schema.js';

// schema.ts imports this file, so its `c` helper is not initialised yet when this module runs.
const c = (name: string, type: ColumnType, notNull = false): Column => ({ name, type, notNull });

export const IDENTIFY_TABLES: Table[] = [
  {
    // Observed services: one row per scan record module, or per passive server/content/hour group.
    name: 'services',
    columns: [
      c('import_id', 'int32', true),
      c('line', 'int32', true), // the (first) line it came from
      c('ts', 'time', true), // first seen
      c('last_ts', 'time', true),
      c('events', 'int64', true), // passive records folded into this row
      c('ip', 'address', true),
      c('port', 'uint16'),
      c('transport', 'text'),
      c('protocol', 'text', true),
      c('source', 'text', true), // zgrab2, shodan, censys, zeek-http, suricata-tls, shadowserver…
      c('banners', 'json'), // Recog key -> normalised banner text
      c('cert_sha256', 'text'),
      c('ssh_host_key', 'text'), // SHA-256 of the SSH host key
      c('device_id', 'text'), // a serial, MAC or vendor device id
      c('hints', 'json'), // what the source itself says (Shodan product, Censys software)
    ],
  },
  {
    // Telemetry imports whose passive rows (HTTP, TLS, reports) were turned into services.
    name: 'identify_imports',
    columns: [c('import_id', 'int32', true), c('services', 'int64', true)],
    key: ['import_id'],
  },
  {
    // One row per device: a stable identity ("ssh:…", "cert:…", "id:…") or an address ("ip:…").
    name: 'device_identities',
    columns: [
      c('device', 'text', true),
      c('stable', 'bool', true), // identified by a key that survives address changes
      c('vendor', 'text'),
      c('product', 'text'),
      c('version', 'text'), // firmware version
      c('hw_version', 'text'),
      c('device_type', 'text'),
      c('device_label', 'text'),
      c('os_vendor', 'text'),
      c('os_product', 'text'),
      c('os_version', 'text'),
      c('cpe23', 'text[]'),
      c('certainty', 'float64', true),
      c('keys', 'text[]'),
      c('addresses', 'int32', true),
      c('services', 'int32', true),
      c('first_seen', 'time', true),
      c('last_seen', 'time', true),
      c('identity', 'json'), // the whole identity: evidence (with file and line), conflicts, device ids
    ],
    key: ['device'],
  },
  {
    // Which device held which address when: the census maps sightings to devices through this.
    name: 'device_addresses',
    columns: [
      c('device', 'text', true),
      c('ip', 'address', true),
      c('first_seen', 'time', true),
      c('last_seen', 'time', true),
      c('stable', 'bool', true),
    ],
  },
  {
    // Keys presented by several addresses at once (vendor default certificates, baked-in host keys).
    name: 'shared_keys',
    columns: [c('key', 'text', true), c('kind', 'text', true), c('ips', 'int32', true), c('max_simultaneous', 'int32', true)],
  },
  {
    // The CISA Known Exploited Vulnerabilities catalog, replaced whole by each import.
    name: 'kev',
    columns: [
      c('cve_id', 'text', true),
      c('import_id', 'int32', true),
      c('vendor_project', 'text', true),
      c('product', 'text', true),
      c('vulnerability_name', 'text'),
      c('date_added', 'text'),
      c('short_description', 'text'),
      c('required_action', 'text'),
      c('due_date', 'text'),
      c('known_ransomware', 'text'),
      c('notes', 'text'),
      c('cwes', 'text[]'),
    ],
    key: ['cve_id'],
  },
  {
    // A device matched to a KEV entry, and how.
    name: 'exposures',
    columns: [
      c('device', 'text', true),
      c('cve_id', 'text', true),
      c('level', 'text', true), // version | product-level
      c('matched_on', 'text', true), // cpe | model | product | device-type | vendor
      c('component', 'json'),
      c('version_check', 'json'),
      c('version_note', 'text'),
      c('evidence', 'text[]'),
    ],
  },
];
