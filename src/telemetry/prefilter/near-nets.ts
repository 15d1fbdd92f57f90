// The networks near the address indicators (core/flow-near.ts): the IPv4 /24s as a bitmap the
// WebAssembly scan reads directly, the IPv6 /48s as runs. What the line reader, the scan and the
// rescans keep flows near.
import { ipv6NearKey } from '../../core/flow-near.js';
import { isV4, V4_MAPPED_BASE, V4_MAPPED_LAST } from '../../core/ip.js';
import { Ipv4Net24Set } from './ipv4-net24-set.js';
import { Ipv6Net48Set } from './ipv6-net48-set.js';

export class NearNets {
  constructor(
    readonly v4: Ipv4Net24Set = new Ipv4Net24Set(),
    readonly v6: Ipv6Net48Set = new Ipv6Net48Set(),
  ) {}

  /**
   * Adds the networks an address range (the store's numbers, both ends in) overlaps: the /24s of
   * its IPv4-mapped part, the /48s of the rest.
   */
  addAddressRange(lo: bigint, hi: bigint): void {
    if (hi >= V4_MAPPED_BASE && lo <= V4_MAPPED_LAST) {
      const from = lo < V4_MAPPED_BASE ? 0 : Number(lo - V4_MAPPED_BASE);
      const to = hi > V4_MAPPED_LAST ? 0xffffffff : Number(hi - V4_MAPPED_BASE);
      this.v4.addRange(from, to);
    }
    if (lo < V4_MAPPED_BASE) this.v6.addRange(ipv6NearKey(lo), ipv6NearKey(hi < V4_MAPPED_BASE ? hi : V4_MAPPED_BASE - 1n));
    if (hi > V4_MAPPED_LAST) this.v6.addRange(ipv6NearKey(lo > V4_MAPPED_LAST ? lo : V4_MAPPED_LAST + 1n), ipv6NearKey(hi));
  }

  /** Whether an address (the store's number) is near an indicator. */
  near(address: bigint): boolean {
    return isV4(address) ? this.v4.has(Number(address - V4_MAPPED_BASE)) : this.v6.has(ipv6NearKey(address));
  }

  /** Adds every network `other` holds. */
  add(other: NearNets): void {
    this.v4.add(other.v4);
    this.v6.add(other.v6);
  }

  /** Removes every network `other` holds. */
  remove(other: NearNets): void {
    this.v4.remove(other.v4);
    this.v6.remove(other.v6);
  }

  isEmpty(): boolean {
    return this.v4.isEmpty() && this.v6.isEmpty();
  }
}

/** The line reader's prefilter test: whether either address of a flow is near an indicator. */
export function flowNear(nets: NearNets, flow: { src: bigint; dst: bigint }): boolean {
  return nets.near(flow.src) || nets.near(flow.dst);
}
