// SPDX-License-Identifier: GPL-2.0-only
/**
 * The CXL objects the mocked providers create and the ported code looks
 * at (after drivers/cxl/cxl.h and cxlmem.h): device type ids, struct
 * cxl_driver, root decoders, regions with their params and state, the
 * cxl_dax_region handed to dax_cxl.
 *
 * Only what the simulation needs: a root decoder is a CFMWS window, a
 * region is one HPA range with its targets, an endpoint is one memdev.
 */
import { container_of, embed } from '../../framework/include/linux/container_of.js';
import { device, device_driver, type device_type, type probe_type } from '../../framework/include/linux/device.js';
import type { range, resource } from '../../framework/include/linux/ioport.js';
import { mutex } from '../../framework/kernel/locking.js';
import { ida } from '../../framework/include/linux/idr.js';
import { work_struct } from '../../framework/include/linux/workqueue_types.js';

export const CXL_DEVICE_NVDIMM_BRIDGE = 1;
export const CXL_DEVICE_NVDIMM = 2;
export const CXL_DEVICE_PORT = 3;
export const CXL_DEVICE_ROOT = 4;
export const CXL_DEVICE_MEMORY_EXPANDER = 5;
export const CXL_DEVICE_REGION = 6;
export const CXL_DEVICE_PMEM_REGION = 7;
export const CXL_DEVICE_DAX_REGION = 8;

/** MODULE_ALIAS_CXL(type) */
export function MODULE_ALIAS_CXL(type: number): string {
  return `cxl:t${type}*`;
}
export const CXL_MODALIAS_FMT = 'cxl:t%d';

/** enum cxl_config_state */
export enum cxl_config_state {
  CXL_CONFIG_IDLE,
  CXL_CONFIG_INTERLEAVE_ACTIVE,
  CXL_CONFIG_ACTIVE,
  CXL_CONFIG_RESET_PENDING,
  CXL_CONFIG_COMMIT,
}
export const { CXL_CONFIG_IDLE, CXL_CONFIG_INTERLEAVE_ACTIVE, CXL_CONFIG_ACTIVE, CXL_CONFIG_COMMIT } = cxl_config_state;

/**
 * A device_type whose name tells the CXL object type, with the type id for
 * matching. The release callbacks here free nothing: where a release gives
 * back an id (port, decoder, region, memdev ids), cxl_core sets
 * dev->release instead, because the id allocators belong to one machine
 * and these types are shared by every boot.
 */
export interface cxl_device_type extends device_type {
  readonly cxl_type: number;
}

export const cxl_root_type: cxl_device_type = { name: 'cxl_root', cxl_type: CXL_DEVICE_ROOT, release: () => {} };
export const cxl_port_type: cxl_device_type = { name: 'cxl_port', cxl_type: CXL_DEVICE_PORT, release: () => {} };
export const cxl_decoder_root_type: cxl_device_type = { name: 'cxl_decoder_root', cxl_type: 0, release: () => {} };
export const cxl_decoder_endpoint_type: cxl_device_type = { name: 'cxl_decoder_endpoint', cxl_type: 0, release: () => {} };
export const cxl_memdev_type: cxl_device_type = { name: 'cxl_memdev', cxl_type: CXL_DEVICE_MEMORY_EXPANDER, release: () => {} };
export const cxl_region_type: cxl_device_type = { name: 'cxl_region', cxl_type: CXL_DEVICE_REGION, release: () => {} };
export const cxl_dax_region_type: cxl_device_type = { name: 'cxl_dax_region', cxl_type: CXL_DEVICE_DAX_REGION, release: () => {} };

export function cxl_device_id(dev: device): number {
  return (dev.type as cxl_device_type | null)?.cxl_type ?? 0;
}

export class cxl_driver {
  readonly drv: device_driver;
  readonly probe: (dev: device) => Promise<number> | number;
  readonly remove: ((dev: device) => Promise<void> | void) | null;
  readonly id: number;
  constructor(init: {
    name: string;
    probe: (dev: device) => Promise<number> | number;
    remove?: (dev: device) => Promise<void> | void;
    id: number;
    drv?: { suppress_bind_attrs?: boolean; probe_type?: probe_type };
  }) {
    this.drv = new device_driver(init.name);
    this.drv.suppress_bind_attrs = init.drv?.suppress_bind_attrs ?? false;
    if (init.drv?.probe_type !== undefined) this.drv.probe_type = init.drv.probe_type;
    this.probe = init.probe;
    this.remove = init.remove ?? null;
    this.id = init.id;
    embed(this, 'drv');
  }
}

export function to_cxl_drv(drv: device_driver): cxl_driver {
  return container_of<cxl_driver>(drv);
}

/** A port: the root (rootN), the host bridge (portN) or an endpoint (endpointN). */
export class cxl_port {
  readonly dev = new device();
  /** From cxl_core's cxl_port_ida; given back when the last reference goes. */
  id = -1;
  /** For an endpoint: the memdev it belongs to. */
  uport: cxl_memdev | null = null;
  /** The device the port stands for: the memdev of an endpoint, cxl_acpi's platform device for the root (and, without host bridges here, for port1). */
  uport_dev: device | null = null;
  /** Set by unregister_port(): the port is on its way out. */
  dead = false;
  /** Ids of this port's decoders (decoder<port id>.<decoder id>). */
  readonly decoder_ida = new ida();
  constructor() {
    embed(this, 'dev');
  }
}

export function to_cxl_port(dev: device): cxl_port {
  return container_of<cxl_port>(dev);
}

/** What the BIOS programmed into a memdev's HDM decoder: its place in an auto region. */
export interface cxl_hdm_program {
  readonly region: number;
  readonly position: number;
  /** False for cxl_test's fail_autoassemble member: the decoder was never committed. */
  readonly programmed: boolean;
}

/** A root decoder: one CFMWS window. */
export class cxl_root_decoder {
  readonly dev = new device();
  /** From the root port's decoder_ida. */
  id = -1;
  /** The window resource ("CXL Window N") in iomem. */
  res: resource | null = null;
  /** Memregion id the next region under this decoder takes. */
  region_id = -1;
  /** Serialises finding-or-constructing a region for an HPA range. */
  readonly range_lock = new mutex('cxlrd->range_lock');
  constructor() {
    embed(this, 'dev');
  }
}

/**
 * enum cxl_decoder_state: free for userspace (MANUAL), reserved by the BIOS
 * for auto-assembly (AUTO), and, since 87805c32e6ad, staged in a region's
 * targets but not attached yet (AUTO_STAGED).
 */
export enum cxl_decoder_state {
  CXL_DECODER_STATE_MANUAL,
  CXL_DECODER_STATE_AUTO,
  CXL_DECODER_STATE_AUTO_STAGED,
}
export const { CXL_DECODER_STATE_MANUAL, CXL_DECODER_STATE_AUTO, CXL_DECODER_STATE_AUTO_STAGED } = cxl_decoder_state;

/** enum cxl_detach_mode: how cxl_decoder_detach() leaves the decoder. */
export enum cxl_detach_mode {
  DETACH_ONLY,
  DETACH_INVALIDATE,
}
export const { DETACH_ONLY, DETACH_INVALIDATE } = cxl_detach_mode;

/** cxld->flags: the decoder is committed (enabled). */
export const CXL_DECODER_F_ENABLE = 1 << 5;

/** struct cxl_decoder: what region code reads of any decoder. */
export class cxl_decoder {
  readonly dev = new device();
  /** From the port's decoder_ida. */
  id = -1;
  hpa_range: range = { start: 0, end: -1 };
  interleave_ways = 1;
  interleave_granularity = 0;
  flags = 0;
  /** The region the decoder is attached to; set when the region attaches its position (cxl_rr_ep_add()). */
  region: cxl_region | null = null;
  constructor() {
    embed(this, 'dev');
  }
}

/**
 * struct cxl_endpoint_decoder: an HDM decoder of an endpoint port. kzalloc()ed
 * by cxl_endpoint_decoder_alloc() and kfree()d by its release.
 */
export class cxl_endpoint_decoder {
  readonly cxld = new cxl_decoder();
  state: cxl_decoder_state = CXL_DECODER_STATE_MANUAL;
  /** Its index in the region's targets[], -1 when in none. */
  pos = -1;
  /** The DPA partition it maps; -1 once invalidated. */
  part = -1;
  constructor() {
    embed(this, 'cxld');
  }
}
/** sizeof(struct cxl_endpoint_decoder), which embeds a whole struct device: kshim's round figure, in kmalloc-1k. */
export const CXL_ENDPOINT_DECODER_SIZE = 1000;
/** offsetof(struct cxl_endpoint_decoder, cxld.dev.parent): what cxled_to_port() loads. */
export const CXL_ENDPOINT_DECODER_PARENT_OFFSET = 64;

export function is_endpoint_decoder(dev: device): boolean {
  return dev.type === cxl_decoder_endpoint_type;
}
export function to_cxl_endpoint_decoder(dev: device): cxl_endpoint_decoder {
  return container_of<cxl_endpoint_decoder>(container_of<cxl_decoder>(dev));
}
/** cxled_to_port(): the endpoint port the decoder sits under. */
export function cxled_to_port(cxled: cxl_endpoint_decoder): cxl_port {
  return to_cxl_port(cxled.cxld.dev.parent!);
}

export interface cxl_region_params {
  state: cxl_config_state;
  res: resource | null;
  /** Endpoint decoders by position; auto-assembly fills them in arrival order. */
  targets: (cxl_endpoint_decoder | null)[];
  /** Endpoints attached so far, and how many the region needs. */
  nr_targets: number;
  interleave_ways: number;
  interleave_granularity: number;
}

export class cxl_region {
  readonly dev = new device();
  id = -1;
  readonly params: cxl_region_params = { state: CXL_CONFIG_IDLE, res: null, targets: [], nr_targets: 0, interleave_ways: 0, interleave_granularity: 0 };
  cxlrd: cxl_root_decoder | null = null;
  constructor() {
    embed(this, 'dev');
  }
}

export function is_cxl_region(dev: device): boolean {
  return dev.type === cxl_region_type;
}

export function to_cxl_region(dev: device): cxl_region {
  return container_of<cxl_region>(dev);
}

export class cxl_dax_region {
  readonly dev = new device();
  cxlr: cxl_region | null = null;
  hpa_range: range = { start: 0, end: -1 };
  constructor() {
    embed(this, 'dev');
  }
}

export function to_cxl_dax_region(dev: device): cxl_dax_region {
  return container_of<cxl_dax_region>(dev);
}

export class cxl_memdev {
  readonly dev = new device();
  /** From cxl_core's cxl_memdev_ida. */
  id = -1;
  /** The endpoint port cxl_mem added for it, once probed. */
  endpoint: cxl_port | null = null;
  /** Decoder programming found by the mocked cxl_pci. */
  hdm: cxl_hdm_program | null = null;
  /** Unbinds cxl_mem from the memdev once its endpoint port is gone. */
  readonly detach_work = new work_struct();
  constructor() {
    embed(this, 'dev', 'detach_work');
  }
}

export function to_cxl_memdev(dev: device): cxl_memdev {
  return container_of<cxl_memdev>(dev);
}
