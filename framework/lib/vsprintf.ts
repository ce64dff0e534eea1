// SPDX-License-Identifier: GPL-2.0-only
/**
 * The subset of the kernel's printf (lib/vsprintf.c) that the ported drivers
 * use, so a port can keep its C format strings: %d %i %u %x %X %s %c %% with
 * flags, width and the l/ll/z/h length modifiers, and the pointer
 * extensions %pr / %pR (struct resource), %pa (phys_addr_t), %ps / %pS
 * (function name), %pe (error name).
 */
import { errname } from '../include/errno.js';

/** The fields of struct resource that %pr and %pR print. */
export interface PrintableResource {
  start: number;
  end: number;
  flags: number;
}

const IORESOURCE_IO = 0x100;
const IORESOURCE_MEM = 0x200;

function hex(n: number): string {
  return n.toString(16);
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const neg = s.startsWith('-');
    const pre = s.startsWith('0x') ? '0x' : neg ? '-' : '';
    const body = s.slice(pre.length);
    return pre + '0'.repeat(width - s.length) + body;
  }
  return ' '.repeat(width - s.length) + s;
}

/** "[mem 0x850000000-0x284fffffff]" (%pR) or with " flags 0x200" (%pr). */
export function resource_string(res: PrintableResource | null | undefined, raw: boolean): string {
  if (res === null || res === undefined) return '(null)';
  const type = res.flags & IORESOURCE_IO ? 'io' : res.flags & IORESOURCE_MEM ? 'mem' : '??? ';
  const width = res.flags & IORESOURCE_IO ? 4 : 8;
  const a = (n: number): string => '0x' + hex(n).padStart(width, '0');
  const range = res.start === res.end ? a(res.start) : `${a(res.start)}-${a(res.end)}`;
  const flags = raw ? ` flags 0x${hex(res.flags >>> 0)}` : '';
  return `[${type} ${range}${flags}]`;
}

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\d+))?(hh|h|ll|l|z|t)?([diouxXscp%])([a-zA-Z]*)?/g;

export function vsprintf(fmt: string, args: readonly unknown[]): string {
  let ai = 0;
  return fmt.replace(SPEC, (whole, flags: string, width: string | undefined, _prec, _len, conv: string, ext: string | undefined) => {
    if (conv === '%') return '%' + (ext ?? '');
    let w = 0;
    if (width === '*') w = Number(args[ai++]);
    else if (width !== undefined) w = Number(width);
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const alt = flags.includes('#');
    const arg = args[ai++];
    let s: string;
    let rest = ext ?? '';
    switch (conv) {
      case 'd':
      case 'i':
        s = String(Math.trunc(Number(arg)));
        break;
      case 'u':
        s = String(Math.trunc(Number(arg)));
        break;
      case 'o':
        s = Math.trunc(Number(arg)).toString(8);
        break;
      case 'x':
      case 'X': {
        const v = Number(arg);
        s = (v < 0 ? (v >>> 0) : v).toString(16);
        if (conv === 'X') s = s.toUpperCase();
        if (alt && v !== 0) s = '0x' + s;
        break;
      }
      case 'c':
        s = typeof arg === 'number' ? String.fromCharCode(arg) : String(arg);
        break;
      case 's':
        s = arg === null || arg === undefined ? '(null)' : String(arg);
        break;
      case 'p': {
        const e = rest.charAt(0);
        rest = rest.slice(1);
        if (e === 'r' || e === 'R') s = resource_string(arg as PrintableResource, e === 'r');
        else if (e === 'a') {
          if (rest.startsWith('p') || rest.startsWith('d')) rest = rest.slice(1);
          s = '0x' + hex(Number(arg)).padStart(16, '0');
        } else if (e === 's' || e === 'S') s = typeof arg === 'function' ? arg.name || '0x0' : String(arg);
        else if (e === 'e') s = errname(Number(arg));
        else {
          s = '00000000' + (arg === null || arg === undefined ? '0' : 'deadbeef');
          rest = e + rest;
        }
        break;
      }
      default:
        return whole;
    }
    return pad(s, w, left, zero) + rest;
  });
}
