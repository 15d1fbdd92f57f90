// The /24 networks that address indicators touch, as a bitmap of all 2^24 of them (2 MiB): the
// flow prefilter's one test per address. A range of any width sets the bits of the /24s it
// overlaps, so the set is a superset of the indicators' addresses and never loses a match.

export class Ipv4Net24Set {
  /** Bit k is set when the /24 network k (an address >>> 8) overlaps an indicator range. */
  readonly bits: Uint8Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(1 << 21)) {
    this.bits = new Uint8Array(buffer);
  }

  get buffer(): SharedArrayBuffer {
    return this.bits.buffer as SharedArrayBuffer;
  }

  /** Adds the /24s overlapping [lo, hi], addresses as 32-bit unsigned numbers. */
  addRange(lo: number, hi: number): void {
    let k = lo >>> 8;
    const last = hi >>> 8;
    for (; k <= last && (k & 7) !== 0; k++) this.bits[k >>> 3]! |= 1 << (k & 7);
    // Whole bytes in one go: a /8 indicator is 8192 of them.
    const lastWholeByte = ((last + 1) >>> 3) - 1;
    if (k <= last && k >>> 3 <= lastWholeByte) {
      this.bits.fill(255, k >>> 3, lastWholeByte + 1);
      k = (lastWholeByte + 1) << 3;
    }
    for (; k <= last; k++) this.bits[k >>> 3]! |= 1 << (k & 7);
  }

  has(address: number): boolean {
    const k = address >>> 8;
    return (this.bits[k >>> 3]! & (1 << (k & 7))) !== 0;
  }

  /** Adds every /24 that `other` holds. */
  add(other: Ipv4Net24Set): void {
    const a = new Uint32Array(this.bits.buffer);
    const b = new Uint32Array(other.bits.buffer);
    for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
  }

  /** Removes every /24 that `other` holds. */
  remove(other: Ipv4Net24Set): void {
    const a = new Uint32Array(this.bits.buffer);
    const b = new Uint32Array(other.bits.buffer);
    for (let i = 0; i < a.length; i++) a[i]! &= ~b[i]!;
  }

  isEmpty(): boolean {
    const a = new Uint32Array(this.bits.buffer);
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }

  /** The set as runs of consecutive /24 keys (an address >>> 8), first and last, in order. */
  runs(): [number, number][] {
    const out: [number, number][] = [];
    const words = new Uint32Array(this.bits.buffer);
    let start = -1;
    for (let w = 0; w <= words.length; w++) {
      const x = w < words.length ? words[w]! : 0;
      // Whole words, empty or full, in one step: a /8 indicator is 2048 full words.
      if ((x === 0 && start < 0) || (x === 0xffffffff && start >= 0)) continue;
      for (let b = 0; b < 32; b++) {
        const k = w * 32 + b;
        const set = ((x >>> b) & 1) === 1;
        if (set && start < 0) start = k;
        else if (!set && start >= 0) {
          out.push([start, k - 1]);
          start = -1;
        }
      }
    }
    return out;
  }

  /** How many /24s are in the set. */
  size(): number {
    let n = 0;
    for (const b of this.bits) {
      let x = b;
      while (x) {
        x &= x - 1;
        n++;
      }
    }
    return n;
  }
}
