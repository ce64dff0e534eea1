// SPDX-License-Identifier: GPL-2.0-only
/**
 * NUMA node lookups the ports use (mm/numa.c, mm/mempolicy.c,
 * arch/x86/mm/numa.c): which node a physical address belongs to, and the
 * nearest online node. Firmware (the scenario) declares the memory blocks
 * and their nodes; node 0 is online, CPU-less memory nodes are not.
 */
import { ContainerModule, injectable } from 'inversify';
import { NUMA_NO_NODE } from '../include/linux/device.js';

export interface numa_memblk {
  readonly start: number;
  readonly end: number;
  readonly nid: number;
}

export interface NumaApi {
  phys_to_target_node(start: number): number;
  memory_add_physaddr_to_nid(start: number): number;
  numa_map_to_online_node(node: number): number;
  node_online(node: number): boolean;
}

@injectable()
export class Numa {
  /** Memory blocks described by firmware (SRAT / e820), including soft-reserved ones. */
  readonly memblks: numa_memblk[] = [];
  readonly online = new Set<number>([0]);

  phys_to_target_node(start: number): number {
    const m = this.memblks.find((b) => start >= b.start && start <= b.end);
    return m ? m.nid : NUMA_NO_NODE;
  }

  /** The node to hot-add memory at `start` to: the target node, or node 0 when firmware says nothing. */
  memory_add_physaddr_to_nid(start: number): number {
    const nid = this.phys_to_target_node(start);
    return nid === NUMA_NO_NODE ? 0 : nid;
  }

  /** An online node as is; otherwise the nearest online one (here the lowest). NUMA_NO_NODE stays. */
  numa_map_to_online_node(node: number): number {
    if (node === NUMA_NO_NODE || this.online.has(node)) return node;
    return Math.min(...this.online);
  }

  api(): NumaApi {
    return {
      phys_to_target_node: (s) => this.phys_to_target_node(s),
      memory_add_physaddr_to_nid: (s) => this.memory_add_physaddr_to_nid(s),
      numa_map_to_online_node: (n) => this.numa_map_to_online_node(n),
      node_online: (n) => this.online.has(n),
    };
  }
}

export const numaModule = new ContainerModule(({ bind }) => {
  bind(Numa).toSelf();
});
