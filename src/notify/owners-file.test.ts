import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadOwnersFile, OwnersFileError, parseOwners } from './owners-file.js';
import { readCsv } from './csv-read.js';

const fixture = (name: string) => resolve(process.cwd(), 'test/fixtures/notify', name);
const read = (name: string) => readFileSync(fixture(name), 'utf8');

test('CSV and JSON owner files give the same owners, with defaults and normalisation', () => {
  const csv = parseOwners(read('owners.csv'), 'owners.csv');
  const json = parseOwners(read('owners.json'), 'owners.json');
  assert.deepEqual(csv.problems, []);
  assert.deepEqual(json.problems, []);
  assert.deepEqual(csv.owners, json.owners);
  const [telecom, customer, mobile, cable] = csv.owners;
  assert.deepEqual(telecom, {
    name: 'Example Telecom A',
    asns: [64500],
    cidrs: [],
    emails: ['abuse@telecom-a.example', 'noc@telecom-a.example'],
    webhookUrl: undefined,
    webhookSecret: undefined,
    language: 'en',
    intervalDays: 7,
    format: 'csv-attachment',
  });
  assert.equal(customer!.name, 'Customer, 192.0.3.0/28'); // quoted comma
  assert.equal(customer!.language, 'fr'); // "FR" lower-cased
  assert.deepEqual(mobile!.cidrs, ['198.51.101.0/24', '2001:db9:1::/48']);
  assert.equal(mobile!.intervalDays, 0.5);
  assert.equal(mobile!.webhookSecret, 'hook-secret');
  assert.deepEqual([cable!.language, cable!.intervalDays, cable!.format, cable!.emails], ['en', 7, 'csv-attachment', []]);
});

test('a bad CSV owners file: every problem with its line and field, nothing kept from bad rows', () => {
  const { owners, problems } = parseOwners(read('bad-owners.csv'), 'bad-owners.csv');
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [3, 'asns'],
      [4, 'cidrs'],
      [5, 'emails'],
      [6, 'language'], // the multi-line record starts on line 6
      [8, 'interval_days'],
      [9, 'format'],
      [10, 'name'], // duplicate of line 2
      [11, 'asns'], // neither ASN nor block
      [12, 'webhook_secret'],
      [13, undefined], // too few cells
    ],
  );
  assert.ok(problems.every((p) => p.file === 'bad-owners.csv'));
  assert.match(problems[0]!.message, /not an AS number: "AS6450x"/);
  assert.match(problems[6]!.message, /duplicate owner name "Good Owner" \(first on line 2\)/);
  assert.match(problems[9]!.message, /2 cells where the header has 9/);
  assert.deepEqual(owners.map((o) => o.name), ['Good Owner']);
  assert.throws(() => loadOwnersFile(fixture('bad-owners.csv')), (e: unknown) => {
    assert.ok(e instanceof OwnersFileError);
    assert.equal(e.problems.length, 10);
    assert.deepEqual(e.where, { file: fixture('bad-owners.csv'), line: 3, field: 'asns' });
    assert.match(e.message, /\(and 9 more problems\)$/);
    return true;
  });
});

test('a bad JSON owners file: problems on the line each entry starts', () => {
  const { owners, problems } = parseOwners(read('bad-owners.json'), 'bad-owners.json');
  assert.deepEqual(
    problems.map((p) => [p.line, p.field]),
    [
      [3, 'colour'],
      [3, 'cidrs'],
      [5, undefined],
      [6, 'name'],
      [6, 'interval_days'],
    ],
  );
  assert.match(problems[2]!.message, /entry 3 is not an object/);
  assert.deepEqual(owners.map((o) => o.name), ['Fine']);
  assert.match(parseOwners('[{"name": "x",', 'x.json').problems[0]!.message, /not valid JSON/);
});

test('header problems: unknown columns and a missing name column reject the whole file', () => {
  const r = parseOwners('nom,asns\nA,64500\n', 'f.csv');
  assert.deepEqual(r.problems.map((p) => [p.line, p.field]), [[1, 'nom'], [1, 'name']]);
  assert.deepEqual(r.owners, []);
  assert.throws(() => loadOwnersFile(fixture('missing.csv')), /cannot read owners file/);
});

test('CSV reader: quotes, doubled quotes, CRLF, blank lines and an unclosed quote', () => {
  const r = readCsv('a,"b ""x"", c",d\r\n\r\n"multi\nline",2,3\n"open,4\n');
  assert.deepEqual(r.records, [
    { line: 1, cells: ['a', 'b "x", c', 'd'] },
    { line: 3, cells: ['multi\nline', '2', '3'] },
  ]);
  assert.deepEqual(r.errors, [{ line: 5, message: 'a quoted cell is never closed' }]);
});
