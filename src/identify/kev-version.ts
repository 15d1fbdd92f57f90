// Affected-version statements in KEV text ("RouterOS through 6.42", "Exim before 4.69", "versions
// 15.2.3 HF2 and earlier", "7.04 through 12.23") and version comparison.
import type { VersionRule } from '../core/model/kev.js';

export type { VersionRule };

const V = String.raw`\d+(?:\.\d+)*(?:[a-z]+\d*)?`;
const RULES: { re: RegExp; op: 'lt' | 'le'; range?: boolean }[] = [
  { re: new RegExp(String.raw`\b(?:from\s+|versions?\s+)?v?(${V})\s+(?:through|to)\s+v?(${V})\b`, 'gi'), op: 'le', range: true },
  { re: new RegExp(String.raw`\b(?:before|prior to|earlier than|older than|lower than|below)\s+(?:versions?\s+|v(?=\d))?(${V})`, 'gi'), op: 'lt' },
  { re: new RegExp(String.raw`\b(?:through|up to(?: and including)?)\s+(?:versions?\s+|v(?=\d))?(${V})`, 'gi'), op: 'le' },
  { re: new RegExp(String.raw`\bv?(${V}(?:\s+[A-Z]+\d+)?)\s+(?:and|or)\s+(?:earlier|prior|older|below|lower)\b`, 'gi'), op: 'le' },
];

/** Every affected-version statement in a text, in text order (a range is not also read as "through Y"). */
export function versionRules(text: string): VersionRule[] {
  const found: (VersionRule & { at: number; end: number })[] = [];
  for (const { re, op, range } of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const at = m.index;
      const end = at + m[0].length;
      if (found.some((f) => at < f.end && end > f.at)) continue;
      // A range needs a version-looking start ("7.04 through 12.23"), not "through port 37777".
      if (range && !/\./.test(m[1]!)) continue;
      const dot = text.lastIndexOf('. ', at);
      const sentenceStart = Math.max(dot < 0 ? 0 : dot + 2, at - 80);
      const rule: VersionRule & { at: number; end: number } = {
        op, bound: range ? m[2]! : m[1]!, statement: m[0], context: text.slice(sentenceStart, at), at, end,
      };
      if (range) rule.from = m[1]!;
      found.push(rule);
    }
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _a, end: _e, ...r }) => r);
}

function segments(v: string): (number | string)[] {
  return (v.toLowerCase().match(/\d+|[a-z]+/g) ?? []).map((s) => (/^\d/.test(s) ? Number(s) : s));
}

/**
 * Compares dotted versions segment by segment, numbers numerically. A longer version is newer when it
 * continues with a number (6.42.1 > 6.42) and older when it continues with letters (6.43rc1 < 6.43).
 */
export function compareVersions(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === undefined) return typeof q === 'string' ? 1 : -1;
    if (q === undefined) return typeof p === 'string' ? -1 : 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p < q ? -1 : 1;
    if (typeof p === 'number') return 1;
    if (typeof q === 'number') return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** Whether `version` falls under the rule. */
export function isAffected(version: string, rule: VersionRule): boolean {
  const c = compareVersions(version, rule.bound);
  if (rule.op === 'lt' ? c >= 0 : c > 0) return false;
  return rule.from === undefined || compareVersions(version, rule.from) >= 0;
}
