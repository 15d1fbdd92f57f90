// The census as text: counts with thousands separators, a note when a victim counts under several
// groups (shares over 100%), and a sentence when the window holds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CensusRow } from '../store/store.js';
import type { CensusReport } from './census.js';
import { renderCensus } from './render.js';

const AT = Date.parse('2024-06-30T00:00:00Z');

function report(by: CensusReport['by'], rows: CensusRow[], total: number, cumulative = total): CensusReport {
  return {
    by,
    measure: 'active',
    window: { measure: 'active', from: AT - 86_400_000, to: AT },
    at: AT,
    result: { rows, total, unit: 'addresses', addresses: total, excluded: { warninglisted: 1234, outsideConstituency: 0 } },
    headline: { active: total, window: 2 * total, cumulative },
    headlineWindows: { active: { measure: 'active' }, window: { measure: 'window' }, cumulative: { measure: 'cumulative' } },
  };
}

test('counts in the table and the headline have thousands separators', () => {
  const text = renderCensus(report('country', [{ key: 'US', label: 'United States', count: 1234567, share: 1 }], 1234567), 'table');
  assert.match(text, /Active 1,234,567 · window 2,469,134/);
  assert.match(text, /United States \(US\)\s+1,234,567\s+100\.0%/);
  assert.match(text, /Total\s+1,234,567/);
  assert.match(text, /Left out: 1,234 on warninglists/);
  // Machine formats keep plain numbers.
  assert.match(renderCensus(report('country', [{ key: 'US', label: 'United States', count: 1234567, share: 1 }], 1234567), 'csv'), /US,United States,1234567,/);
});

test('by family: shares over 100% are explained; a plain partition is not', () => {
  const overlapping = report('family', [
    { key: 'a', label: 'a', count: 900, share: 0.9 },
    { key: 'b', label: 'b', count: 300, share: 0.3 },
  ], 1000);
  assert.match(renderCensus(overlapping, 'table'), /A victim seen with more than one family counts under each, so the shares add up to more than 100% \(the rows add up to 1,200 for 1,000 victims\)/);
  const partition = report('family', [
    { key: 'a', label: 'a', count: 700, share: 0.7 },
    { key: 'b', label: 'b', count: 300, share: 0.3 },
  ], 1000);
  assert.doesNotMatch(renderCensus(partition, 'table'), /more than 100%/);
});

test('an empty window says where the data is', () => {
  assert.match(renderCensus(report('country', [], 0, 50), 'table'), /No victim was seen in this window; the latest sighting is at 2024-06-30T00:00:00Z/);
  const empty = { ...report('country', [], 0, 0), at: undefined };
  assert.match(renderCensus(empty, 'table'), /The store holds no sightings yet/);
});
