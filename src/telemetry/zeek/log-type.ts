// Which Zeek log a line belongs to, when the file does not say (#path / _path missing).

/** The logs we turn into records; every other Zeek log is read but yields nothing. */
export type MappedLog = 'conn' | 'dns' | 'ssl' | 'http';

const MAPPED = new Set<string>(['conn', 'dns', 'ssl', 'http']);

// Log names Zeek ships (and common packages add), for telling the log from a file name.
const KNOWN_LOGS = new Set<string>([
  ...MAPPED,
  'x509', 'files', 'notice', 'weird', 'software', 'known_hosts', 'known_services', 'known_certs',
  'dhcp', 'ssh', 'smtp', 'ftp', 'ntp', 'snmp', 'sip', 'rdp', 'smb_files', 'smb_mapping', 'dce_rpc',
  'kerberos', 'ntlm', 'irc', 'mysql', 'radius', 'socks', 'tunnel', 'pe', 'dpd', 'analyzer',
  'capture_loss', 'stats', 'reporter', 'loaded_scripts', 'packet_filter', 'syslog', 'modbus',
  'dnp3', 'intel', 'signatures', 'traceroute', 'ldap', 'quic', 'ocsp', 'conn_long',
]);

/** The log name as a mapped log, or undefined when we do not turn that log into records. */
export function asMapped(path: string | undefined): MappedLog | undefined {
  return path !== undefined && MAPPED.has(path) ? (path as MappedLog) : undefined;
}

/**
 * Tells the log from the columns a line has: conn has id.orig_h and conn_state/orig_bytes, dns
 * has query, ssl has server_name or version+cipher, http has host+uri.
 */
export function logFromFields(has: (name: string) => boolean): MappedLog | undefined {
  if (has('id.orig_h') && (has('conn_state') || has('orig_bytes'))) return 'conn';
  if (has('query') && (has('qtype_name') || has('trans_id') || has('id.orig_h'))) return 'dns';
  if (has('server_name') || (has('version') && has('cipher'))) return 'ssl';
  if (has('host') && has('uri')) return 'http';
  return undefined;
}

/**
 * The Zeek log a file name names ("conn.log", "dns.00:00:00-01:00:00.log.gz",
 * "site-ssl.json.log"), or undefined.
 */
export function logFromFileName(fileName: string): string | undefined {
  const tokens = fileName.toLowerCase().split(/[^a-z0-9_]+/);
  // Prefer a token that is a whole known log name, then one that ends in one ("brim_dns").
  for (const t of tokens) if (KNOWN_LOGS.has(t)) return t;
  for (const t of tokens) {
    const last = t.split('_').pop();
    if (last !== undefined && KNOWN_LOGS.has(last)) return last;
  }
  return undefined;
}
