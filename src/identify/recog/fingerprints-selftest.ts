// Runs every <example> of a fingerprint database the way Recog's own spec does
// (spec/lib/fingerprint_self_test_spec.rb): the example must match its own fingerprint with exactly
// the expected params, and no earlier fingerprint of the file may match it (first match wins).
import { basename } from 'node:path';
import { matchFingerprint, type FingerprintFile } from './fingerprint.js';
import { loadRecogDir } from './load.js';

export interface SelfTestFailure {
  /** "#index description" of the fingerprint whose example failed. */
  fingerprint: string;
  /** The example text, cut to 160 characters. */
  example: string;
  reason: string;
}

export interface SelfTestFile {
  file: string;
  examples: number;
  passed: number;
  failed: SelfTestFailure[];
}

export interface SelfTestResult {
  files: SelfTestFile[];
  total: number;
  passed: number;
}

function cut(s: string, n = 160): string {
  const shown = JSON.stringify(s).slice(1, -1);
  return shown.length > n ? shown.slice(0, n) + '…' : shown;
}

/** Checks one example; returns the failure reason or undefined when it passes. */
function checkExample(db: FingerprintFile, i: number, text: string, expect: Record<string, string>): string | undefined {
  const fp = db.fingerprints[i]!;
  if (!fp.regex.ok) return `unsupported pattern: ${fp.regex.reason}`;
  const m = matchFingerprint(fp, db, text);
  if (!m) return 'its own pattern does not match';
  if (m.error) return `interpolation error: ${m.error}`;
  for (const [k, want] of Object.entries(expect)) {
    const got = m.params[k];
    if (got !== want) return `param ${k}: expected ${JSON.stringify(want)}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`;
  }
  for (let j = 0; j < i; j++) {
    const prev = db.fingerprints[j]!;
    if (prev.regex.ok && prev.regex.regex.test(text)) {
      // Recog's spec only compares against earlier fingerprints that have examples of their own.
      const note = prev.examples.length === 0 ? ' (which has no examples, so Recog\'s own spec does not flag this)' : '';
      return `shadowed: earlier fingerprint #${j} "${prev.description}" matches first${note}`;
    }
  }
  return undefined;
}

export function selfTestFiles(dbs: FingerprintFile[]): SelfTestResult {
  const files: SelfTestFile[] = [];
  let total = 0;
  let passed = 0;
  for (const db of dbs) {
    const result: SelfTestFile = { file: basename(db.file), examples: 0, passed: 0, failed: [] };
    db.fingerprints.forEach((fp, i) => {
      for (const ex of fp.examples) {
        result.examples++;
        const reason = checkExample(db, i, ex.text, ex.expect);
        if (reason === undefined) result.passed++;
        else result.failed.push({ fingerprint: `#${i} ${fp.description}`, example: cut(ex.text), reason });
      }
    });
    total += result.examples;
    passed += result.passed;
    files.push(result);
  }
  return { files, total, passed };
}

/** Self-test of every *.xml fingerprint file in a folder. */
export function selfTest(dir: string): SelfTestResult {
  return selfTestFiles(loadRecogDir(dir));
}
