// SPDX-License-Identifier: GPL-2.0-only
/** UTS_RELEASE: the release string of the simulated kernel (`uname -r`, /lib/modules/<release>). */
export const UTS_RELEASE = '7.0.0-kshim';
