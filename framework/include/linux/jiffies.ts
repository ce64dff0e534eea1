// SPDX-License-Identifier: GPL-2.0-only
/** include/linux/jiffies.h: kshim's kernel ticks at HZ=1000, so a jiffy is a millisecond of virtual time. */
export const HZ = 1000;
