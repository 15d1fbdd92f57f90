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
      c('import_id', 'INTEGER', true),
      c('line', 'INTEGER', true), // the (first) line it came from
      c('ts', 'TIMESTAMP', true), // first seen
      c('last_ts', 'TIMESTAMP', true),
      c('events', 'BIGINT', true), // passive records folded into this row
      c('ip', 'ADDR', true),
      c('port', 'USMALLINT'),
      c('transport', 'VARCHAR'),
      c('protocol', 'VARCHAR', true),
      c('source', 'VARCHAR', true), // zgrab2, shodan, censys, zeek-http, suricata-tls, shadowserver…
      c('banners', 'JSON'), // Recog key -> normalised banner text
      c('cert_sha256', 'VARCHAR'),
      c('ssh_host_key', 'VARCHAR'), // SHA-256 of the SSH host key
      c('device_id', 'VARCHAR'), // a serial, MAC or vendor device id
      c('hints', 'JSON'), // what the source itself says (Shodan product, Censys software)
    ],
  },
  {
    // Telemetry imports whose passive rows (HTTP, TLS, reports) were turned into services.
    name: 'identify_imports',
    columns: [c('import_id', 'INTEGER', true), c('services', 'BIGINT', true)],
    constraints: ['PRIMARY KEY (import_id)'],
  },
  {
    // One row per device: a stable identity ("ssh:…", "cert:…", "id:…") or an address ("ip:…").
    name: 'device_identities',
    columns: [
      c('device', 'VARCHAR', true),
      c('stable', 'BOOLEAN', true), // identified by a key that survives address changes
      c('vendor', 'VARCHAR'),
      c('product', 'VARCHAR'),
      c('version', 'VARCHAR'), // firmware version
      c('hw_version', 'VARCHAR'),
      c('device_type', 'VARCHAR'),
      c('device_label', 'VARCHAR'),
      c('os_vendor', 'VARCHAR'),
      c('os_product', 'VARCHAR'),
      c('os_version', 'VARCHAR'),
      c('cpe23', 'VARCHAR[]'),
      c('certainty', 'DOUBLE', true),
      c('keys', 'VARCHAR[]'),
      c('addresses', 'INTEGER', true),
      c('services', 'INTEGER', true),
      c('first_seen', 'TIMESTAMP', true),
      c('last_seen', 'TIMESTAMP', true),
      c('identity', 'JSON'), // the whole identity: evidence (with file and line), conflicts, device ids
    ],
    constraints: ['PRIMARY KEY (device)'],
  },
  {
    // Which device held which address when: the census maps sightings to devices through this.
    name: 'device_addresses',
    columns: [
      c('device', 'VARCHAR', true),
      c('ip', 'ADDR', true),
      c('first_seen', 'TIMESTAMP', true),
      c('last_seen', 'TIMESTAMP', true),
      c('stable', 'BOOLEAN', true),
    ],
  },
  {
    // Keys presented by several addresses at once (vendor default certificates, baked-in host keys).
    name: 'shared_keys',
    columns: [c('key', 'VARCHAR', true), c('kind', 'VARCHAR', true), c('ips', 'INTEGER', true), c('max_simultaneous', 'INTEGER', true)],
  },
  {
    // The CISA Known Exploited Vulnerabilities catalog, replaced whole by each import.
    name: 'kev',
    columns: [
      c('cve_id', 'VARCHAR', true),
      c('import_id', 'INTEGER', true),
      c('vendor_project', 'VARCHAR', true),
      c('product', 'VARCHAR', true),
      c('vulnerability_name', 'VARCHAR'),
      c('date_added', 'VARCHAR'),
      c('short_description', 'VARCHAR'),
      c('required_action', 'VARCHAR'),
      c('due_date', 'VARCHAR'),
      c('known_ransomware', 'VARCHAR'),
      c('notes', 'VARCHAR'),
      c('cwes', 'VARCHAR[]'),
    ],
    constraints: ['PRIMARY KEY (cve_id)'],
  },
  {
    // A device matched to a KEV entry, and how.
    name: 'exposures',
    columns: [
      c('device', 'VARCHAR', true),
      c('cve_id', 'VARCHAR', true),
      c('level', 'VARCHAR', true), // version | product-level
      c('matched_on', 'VARCHAR', true), // cpe | model | product | device-type | vendor
      c('component', 'JSON'),
      c('version_check', 'JSON'),
      c('version_note', 'VARCHAR'),
      c('evidence', 'VARCHAR[]'),
    ],
  },
];
