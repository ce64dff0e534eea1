// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked drivers/cxl/core/hdm.c: devm_cxl_endpoint_decoders_setup(), which
 * cxl_port's endpoint probe calls to enumerate the endpoint's HDM
 * decoders. The endpoint has one decoder (decoderN.0), set up from what
 * the mocked cxl_pci found the BIOS had programmed (cxlmd->hdm) rather
 * than from HDM decoder registers: when the BIOS committed it, it is
 * enabled and reserved for auto-assembly (CXL_DECODER_STATE_AUTO), with
 * the region's HPA range and interleave. add_hdm_decoder() adds it under
 * the port, removed with the port's devres.
 *
 * Deviations: no HDM register mapping, no DPA reservation (the decoder maps
 * partition 0, the RAM partition, and nothing more), one decoder per
 * endpoint; the interleave granularity is 256 bytes in every decoder; an
 * allocation failure returns -ENOMEM without the dev_warn.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM } from '../../framework/include/errno.js';
import { CXL_DECODER_F_ENABLE, CXL_DECODER_STATE_AUTO, type cxl_decoder, type cxl_port } from './cxl.h.js';
import { get_cxl_mock_ops } from './mock_ops.js';

/** The interleave granularity every mocked HDM decoder is programmed with. */
const MOCK_INTERLEAVE_GRANULARITY = 256;

export const core_hdm_c: PortUnit = {
  file: 'drivers/cxl/core/hdm.c',
  url: import.meta.url,
  exports: [{ symbol: 'devm_cxl_endpoint_decoders_setup', gpl: true, namespace: 'CXL' }],
  create(k, sym) {
    const ops = get_cxl_mock_ops(k);
    const { dev_err, dev_dbg, dev_name, put_device } = k;

    async function add_hdm_decoder(port: cxl_port, cxld: cxl_decoder): Promise<number> {
      let rc = await sym.cxl_decoder_add(cxld);
      if (rc) {
        put_device(cxld.dev);
        dev_err(port.dev, 'Failed to add decoder\n');
        return rc;
      }

      rc = await sym.cxl_decoder_autoremove(port.dev, cxld);
      if (rc) return rc;

      dev_dbg(port.uport_dev!, '%s added to %s\n', dev_name(cxld.dev), dev_name(port.dev));

      return 0;
    }

    async function devm_cxl_endpoint_decoders_setup(port: cxl_port): Promise<number> {
      const hdm = port.uport!.hdm;
      const cxled = sym.cxl_endpoint_decoder_alloc(port);
      if (!cxled) return -ENOMEM;
      const cxld = cxled.cxld;
      // init_hdm_decoder(): a decoder the BIOS committed is enabled and reserved for region auto-discovery.
      if (hdm && hdm.programmed) {
        const region = ops.firmware.tables.regions[hdm.region]!;
        cxld.hpa_range = { start: region.start, end: region.end };
        cxld.interleave_ways = region.targets;
        cxld.interleave_granularity = MOCK_INTERLEAVE_GRANULARITY;
        cxld.flags |= CXL_DECODER_F_ENABLE;
        cxled.part = 0;
        cxled.state = CXL_DECODER_STATE_AUTO;
      }
      return await add_hdm_decoder(port, cxld);
    }

    return { exports: { devm_cxl_endpoint_decoders_setup } };
  },
};
