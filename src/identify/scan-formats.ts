// The scan formats this stage reads, and format detection over them.
import { censysScan } from './scan-censys.js';
import { detectScanFormat, type ScanFormat } from './scan-reader.js';
import { shodanScan } from './scan-shodan.js';
import { zgrab2Scan } from './scan-zgrab2.js';

export const SCAN_FORMATS: readonly ScanFormat[] = [zgrab2Scan, shodanScan, censysScan];

export function scanFormatByName(name: string): ScanFormat | undefined {
  return SCAN_FORMATS.find((f) => f.name === name);
}

/** The format that recognises `path`, or BotcensusError('UNKNOWN_FORMAT'). */
export function detectScan(path: string): Promise<ScanFormat> {
  return detectScanFormat(path, SCAN_FORMATS);
}
