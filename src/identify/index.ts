// The device-identification stage's public API, for the store and CLI wiring.
export { RECOG_KEYS, isRecogKey, type RecogKey, type ServiceObservation, type SourceHint } from '../core/model/service.js';
export { readScanFile, readScanFileAll, detectScanFormat, type ScanFormat, type ScanFormatName, type ScanLineParser } from './scan-reader.js';
export { SCAN_FORMATS, detectScan, scanFormatByName } from './scan-formats.js';
export { zgrab2Scan } from './scan-zgrab2.js';
export { shodanScan } from './scan-shodan.js';
export { censysScan } from './scan-censys.js';
export { fromHttpClient, fromHttpRecord, fromReportRecord, fromTlsClient, fromTlsRecord } from './from-telemetry.js';
export { RecogDb, builtinRules, builtinRulesDir, recogDb } from './recog/db.js';
export { loadRecogDir, loadRecogFile, parseRecogXml } from './recog/load.js';
export { matchFingerprint, type Fingerprint, type FingerprintFile, type FingerprintMatch } from './recog/fingerprint.js';
export { selfTest, selfTestFiles, type SelfTestResult, type SelfTestFile, type SelfTestFailure } from './recog/fingerprints-selftest.js';
export { translateRubyRegex, type TranslateResult } from './recog/regex-translate.js';
export {
  identifyService, identifyDevice, identifyHosts, DEFAULT_MATCH_CERTAINTY, SOURCE_HINT_CERTAINTY,
  type Identity, type ServiceIdentity, type DeviceIdentity, type Evidence, type FieldConflict, type OsIdentity,
} from './identify.js';
export { deviceTypeOf, type DeviceType } from './device-type.js';
export { buildCpe23, cpeToCpe23, escapeFsValue, formatCpe23, parseCpe23, unescapeFsValue, type Cpe23, type CpeParts } from './cpe.js';
export { kevMatcher, loadKev, parseKevCsv, parseKevJson, matchKev, type KevEntry, type KevCatalog, type KevRejected, type KevMatch, type KevMatchOptions } from './kev.js';
export { identityKeys, mergeIdentities, type DeviceGroup, type IdentityKind, type IdentityOptions, type MergeResult, type SharedKey } from './identity.js';
export { buildDevices, type BuildOptions, type BuildResult } from './devices.js';
export { derivePassiveServices, derivePendingServices, passiveServices } from './passive.js';
export { exposuresOf, refreshExposures, runIdentification, type IdentifyRunOptions, type IdentifyRunResult } from './run.js';
export { fetchKevText, fetchRecog, KEV_URL, RECOG_LIST_URL } from './online.js';
