// Large JSON documents read as a stream: the document is split into items (the elements of a
// chosen array, or a chosen member's value), each parsed and handed over alone, so memory is
// bounded by the largest item, not the file. What is left of the document around the items (its
// envelope: a STIX bundle's "type" and "id", a warninglist whole) is parsed as well and returned
// at the end. Every item and the envelope stay within BOTCENSUS_MAX_JSON_BYTES, nesting within
// BOTCENSUS_MAX_JSON_DEPTH; a syntax error names the line, column and byte where it is.
// @streamparser/json tokenizes and builds the values; this file only decides where items are.
import { Tokenizer, TokenParser, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { BotcensusError } from './errors.js';
import { formatBytes, INFLATE_RATIO_AFTER, limits, type Limits } from './limits.js';
import { ByteLines } from './byte-lines.js';
import { isGzip, openText } from './reader.js';

/**
 * Where the items of a document are, asked of the root value (`key` undefined) and of each member
 * of a root object that opens an array or an object: 'elements' makes each element of that array
 * an item, 'value' makes the whole value one item, undefined leaves it in the envelope.
 */
export type ItemRule = (key: string | undefined, opens: 'array' | 'object') => 'elements' | 'value' | undefined;

export interface JsonItem {
  /** The root member holding the item; '' for an element of a root array. */
  under: string;
  /** 0-based position among the elements of its array (0 for a member's value). */
  index: number;
  value: unknown;
}

export interface JsonStreamSummary {
  /** The document with its items left out: an items array as [], an item value as {} or []. */
  envelope: unknown;
  /** Bytes of JSON read (after gunzip). */
  bytes: number;
  items: number;
}

/**
 * Streams a JSON file (gzip accepted) and hands over its items as `rule` places them. `afterRead`
 * runs after each read's items, and reading waits for it: where they are written somewhere.
 */
export async function streamJsonItems(
  path: string,
  rule: ItemRule,
  onItem: (item: JsonItem) => void,
  afterRead?: () => Promise<void>,
  lim: Limits = limits(),
): Promise<JsonStreamSummary> {
  const splitter = new JsonSplitter(path, rule, onItem, lim);
  const { stream } = await openText(path, undefined, lim);
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      try {
        splitter.write(next.value);
      } catch (err) {
        // A gzip bomb is named as one, not as the broken JSON it inflates to.
        if (await isGzip(path)) await drain(chunks, 2 * INFLATE_RATIO_AFTER);
        throw err;
      }
      await afterRead?.();
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof BotcensusError) throw err;
    throw new BotcensusError('UNREADABLE', `read failed: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  return splitter.end();
}

/** Reads on up to `bytes` and drops them; a read error (a refused gzip bomb) is thrown. */
async function drain(chunks: AsyncIterator<Buffer>, bytes: number): Promise<void> {
  for (let n = 0; n < bytes; ) {
    const next = await chunks.next();
    if (next.done) return;
    n += next.value.length;
  }
}

interface OpenItem {
  under: string;
  index: number;
  /** Byte offset of its first token, and its line. */
  start: number;
  line: number | undefined;
  /** Nesting outside it; the item ends when a closing token brings the depth back here. */
  outerDepth: number;
  parser: TokenParser;
  value?: unknown;
}

/** An array whose elements are items: its commas are checked here, since no parser sees them. */
interface ItemsArray {
  under: string;
  /** Nesting inside it. */
  depth: number;
  /** Byte offset of its "[". */
  start: number;
  /** 'first' after "[", 'next' after an element, 'element' after a comma. */
  expect: 'first' | 'next' | 'element';
  index: number;
}

const OPENS = new Set([TokenType.LEFT_BRACE, TokenType.LEFT_BRACKET]);
const CLOSES = new Set([TokenType.RIGHT_BRACE, TokenType.RIGHT_BRACKET]);

/** Feeds bytes in, hands items out; `end()` checks the document is complete. Separate from file reading so it can be tested on text. */
export class JsonSplitter {
  private readonly tokenizer = new Tokenizer({ stringBufferSize: 64 << 10 });
  private readonly envelope = new TokenParser({ paths: ['$'] });
  private envelopeValue: unknown;
  private envelopeDone = false;
  private depth = 0;
  /** Whether the root is an object; in it, whether the next string is a key, and the latest key. */
  private rootIsObject = false;
  private rootExpectsKey = false;
  private rootKey = '';
  private item: OpenItem | undefined;
  private itemsArray: ItemsArray | undefined;
  private itemCount = 0;
  /** Bytes of closed items arrays and item values: the rest is the envelope's. */
  private itemBytes = 0;
  /** Bytes fed so far, and the lines of the current chunk, for positions in messages. */
  private fed = 0;
  private readonly lines = new ByteLines();
  private lastOffset = 0;
  private failure: Error | undefined;

  constructor(
    private readonly file: string,
    private readonly rule: ItemRule,
    private readonly onItem: (item: JsonItem) => void,
    private readonly lim: Pick<Limits, 'maxJsonBytes' | 'maxJsonDepth'>,
  ) {
    this.tokenizer.onToken = (t) => this.token(t);
    this.tokenizer.onError = (err) => {
      this.failure ??= err;
    };
    this.envelope.onValue = ({ value }) => {
      this.envelopeValue = value;
      this.envelopeDone = true;
    };
    this.envelope.onError = (err) => {
      throw err;
    };
  }

  write(chunk: Buffer): void {
    if (this.fed === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    this.lines.next(chunk);
    this.fed += chunk.length;
    this.tokenizer.write(chunk);
    this.rethrow();
    const inItem = this.item ? this.fed - this.item.start : 0;
    if (inItem > this.lim.maxJsonBytes) throw this.tooLarge(this.item!);
    const inItems = this.itemsArray ? this.fed - this.itemsArray.start : this.item ? inItem : 0;
    if (this.fed - this.itemBytes - inItems > this.lim.maxJsonBytes)
      throw new BotcensusError('BAD_INPUT', `JSON document larger than ${formatBytes(this.lim.maxJsonBytes)} (BOTCENSUS_MAX_JSON_BYTES) besides the objects read one at a time: refused`, { file: this.file });
  }

  end(): JsonStreamSummary {
    this.lines.next(Buffer.alloc(0));
    this.tokenizer.end();
    this.rethrow();
    if (!this.envelopeDone) throw this.syntax(this.fed, this.fed === 0 ? 'the file is empty' : 'the file ends before the document does');
    return { envelope: this.envelopeValue, bytes: this.fed, items: this.itemCount };
  }

  private rethrow(): void {
    const err = this.failure;
    if (!err) return;
    if (err instanceof BotcensusError) throw err;
    // The tokenizer names the byte it stopped at; the token parser does not, so it is the last token's.
    const at = /absolute position "(\d+)"/.exec(err.message);
    const what = /^Unexpected "(.*)" at chunk/.exec(err.message)?.[1] ?? /^Unexpected \w+ \((.*)\) in state/.exec(err.message)?.[1];
    const reason = what !== undefined ? `unexpected ${what.startsWith('"') ? what : JSON.stringify(what)}` : /ended in the middle/.test(err.message) ? 'the file ends inside a value' : err.message;
    throw this.syntax(at ? Number(at[1]) : this.lastOffset, reason);
  }

  private token(t: ParsedTokenInfo): void {
    this.lastOffset = t.offset;
    const { token } = t;
    const item = this.item;
    if (item) {
      if (OPENS.has(token)) this.open(t.offset);
      else if (CLOSES.has(token)) this.depth--;
      if (t.offset - item.start > this.lim.maxJsonBytes) throw this.tooLarge(item);
      item.parser.write(t);
      if (CLOSES.has(token) && this.depth === item.outerDepth) this.finishItem(t.offset);
      return;
    }
    const arr = this.itemsArray;
    if (arr && this.depth === arr.depth) {
      if (token === TokenType.RIGHT_BRACKET && arr.expect !== 'element') {
        this.itemsArray = undefined;
        this.itemBytes += t.offset + 1 - arr.start;
        this.depth--;
        this.envelope.write(t);
        return;
      }
      if (arr.expect === 'next') {
        if (token !== TokenType.COMMA) throw this.syntax(t.offset, `unexpected ${JSON.stringify(t.value)}`);
        arr.expect = 'element';
        return;
      }
      if (token === TokenType.COMMA || token === TokenType.COLON || CLOSES.has(token)) throw this.syntax(t.offset, `unexpected ${JSON.stringify(t.value)}`);
      arr.expect = 'next';
      this.startItem(t, arr.under, arr.index++);
      return;
    }
    // The envelope: the root, and the members of a root object that are not items.
    if (this.depth === 0 && !this.envelopeDone && OPENS.has(token)) {
      this.rootIsObject = token === TokenType.LEFT_BRACE;
      this.rootExpectsKey = this.rootIsObject;
      if (!this.rootIsObject && this.rule(undefined, 'array') === 'elements') {
        this.open(t.offset);
        this.envelope.write(t);
        this.itemsArray = { under: '', depth: this.depth, start: t.offset, expect: 'first', index: 0 };
        return;
      }
    } else if (this.depth === 1 && this.rootIsObject) {
      if (token === TokenType.STRING && this.rootExpectsKey) {
        this.rootKey = t.value as string;
        this.rootExpectsKey = false;
      } else if (token === TokenType.COMMA) this.rootExpectsKey = true;
      else if (OPENS.has(token)) {
        const opens = token === TokenType.LEFT_BRACKET ? 'array' : 'object';
        const place = this.rule(this.rootKey, opens);
        if (place === 'value') {
          // The envelope keeps an empty placeholder where the item was.
          this.envelope.write(t);
          this.envelope.write({ token: opens === 'array' ? TokenType.RIGHT_BRACKET : TokenType.RIGHT_BRACE, value: opens === 'array' ? ']' : '}', offset: t.offset } as ParsedTokenInfo);
          this.startItem(t, this.rootKey, 0);
          return;
        }
        if (place === 'elements' && opens === 'array') {
          this.open(t.offset);
          this.envelope.write(t);
          this.itemsArray = { under: this.rootKey, depth: this.depth, start: t.offset, expect: 'first', index: 0 };
          return;
        }
      }
    }
    if (OPENS.has(token)) this.open(t.offset);
    else if (CLOSES.has(token)) this.depth--;
    this.envelope.write(t);
  }

  private open(offset: number): void {
    if (++this.depth > this.lim.maxJsonDepth) {
      const { line } = this.lines.at(offset);
      throw new BotcensusError('BAD_INPUT', `JSON nested deeper than ${this.lim.maxJsonDepth} levels (BOTCENSUS_MAX_JSON_DEPTH): refused`, { file: this.file, line });
    }
  }

  private startItem(t: ParsedTokenInfo, under: string, index: number): void {
    if (!OPENS.has(t.token)) {
      this.deliver({ under, index, value: t.value });
      return;
    }
    const parser = new TokenParser({ paths: ['$'] });
    const item: OpenItem = { under, index, start: t.offset, line: this.lines.at(t.offset).line, outerDepth: this.depth, parser };
    parser.onValue = ({ value }) => {
      item.value = value;
    };
    parser.onError = (err) => {
      throw err;
    };
    this.item = item;
    this.open(t.offset);
    parser.write(t);
  }

  private finishItem(endOffset: number): void {
    const item = this.item!;
    this.item = undefined;
    // An element's bytes are counted with its array's.
    if (!this.itemsArray) this.itemBytes += endOffset + 1 - item.start;
    this.deliver({ under: item.under, index: item.index, value: item.value });
  }

  private deliver(item: JsonItem): void {
    this.itemCount++;
    this.onItem(item);
  }

  private tooLarge({ start, line }: OpenItem): BotcensusError {
    const at = line === undefined ? `at byte ${start}` : `at line ${line}`;
    return new BotcensusError('BAD_INPUT', `JSON document larger than ${formatBytes(this.lim.maxJsonBytes)} (BOTCENSUS_MAX_JSON_BYTES) in its object ${at}, which is held whole: refused`, { file: this.file, line });
  }

  private syntax(offset: number, reason: string): BotcensusError {
    const { line, column } = this.lines.at(offset);
    const at = line === undefined ? `at byte ${offset}` : `at line ${line}, column ${column} (byte ${offset})`;
    return new BotcensusError('BAD_INPUT', `not valid JSON ${at}: ${reason}`, { file: this.file, line });
  }
}
