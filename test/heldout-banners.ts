// The held-out IoT banners (test/fixtures/identify/heldout-banners.tsv) and the share of them whose
// vendor a fingerprint database names: the measure behind "devices named without flags".
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { identifyService } from '../src/identify/identify.js';
import type { RecogDb } from '../src/identify/recog/db.js';
import type { RecogKey } from '../src/core/model/service.js';

export interface HeldOutBanner {
  key: RecogKey;
  banner: string;
  vendor: string;
}

/** `heldout-banners.tsv`: the set the built-in rules cover the families of; `heldout-banners-2.tsv`: one no rule was written against. */
export function heldOutBanners(file = 'heldout-banners.tsv'): HeldOutBanner[] {
  const text = readFileSync(resolve(process.cwd(), 'test/fixtures/identify', file), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [key, banner, vendor] = l.split('\t');
      return { key: key as RecogKey, banner: banner!.replace(/\\r\\n/g, '\r\n'), vendor: vendor! };
    });
}

const norm = (v: string) => v.toLowerCase().replace(/[^a-z0-9]+/g, '');

export interface VendorShare {
  named: number;
  total: number;
  /** Named, but another vendor than the banner's. */
  wrong: { banner: string; want: string; got: string }[];
  missed: HeldOutBanner[];
}

/** Identifies each banner alone, as one service, and counts those whose vendor comes out right. */
export function vendorShare(db: RecogDb, banners = heldOutBanners()): VendorShare {
  const out: VendorShare = { named: 0, total: banners.length, wrong: [], missed: [] };
  for (const b of banners) {
    const id = identifyService({ ts: 0, ip: 1n, protocol: 'tcp', source: 'heldout', banners: { [b.key]: b.banner } }, db);
    if (id.vendor === undefined) out.missed.push(b);
    else if (norm(id.vendor).startsWith(norm(b.vendor)) || norm(b.vendor).startsWith(norm(id.vendor))) out.named++;
    else out.wrong.push({ banner: b.banner, want: b.vendor, got: id.vendor });
  }
  return out;
}
