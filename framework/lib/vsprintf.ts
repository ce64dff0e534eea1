// SPDX-License-Identifier: GPL-2.0-only
/**
 * The subset of the kernel's printf (lib/vsprintf.c) that the ported drivers
 * use, so a port can keep its C format strings: %d %i %u %x %X %s %c %% with
 * flags, width and the l/ll/z/h length modifiers, and the pointer
 * extensions %pr / %pR (struct resource), %pa (phys_addr_t), %ps / %pS
 * (function name), %pe (error name).
 */
import { errname } from '../include/errno.js';
import { hex } from './hex.js';

/** The fields of struct resource that %pr and %pR print. */
export interface PrintableResource {
  start: number;
  end: number;
  flags: number;
}

const IORESOURCE_IO = 0x100;
const IORESOURCE_MEM = 0x200;

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

/**
 * "[mem 0x850000000-0x284fffffff]" (%pR) or with " flags 0x200" (%pr).
 * The type word is padded to four characters ("io  ", "mem "); a resource
 * of neither type is "??? " and shows its flags even with %pR, as the C
 * does not decode it.
 */
export function resource_string(res: PrintableResource | null | undefined, raw: boolean): string {
  if (res === null || res === undefined) return '(null)';
  const known = (res.flags & (IORESOURCE_IO | IORESOURCE_MEM)) !== 0;
  const type = res.flags & IORESOURCE_IO ? 'io  ' : res.flags & IORESOURCE_MEM ? 'mem ' : '??? ';
  const width = res.flags & IORESOURCE_IO ? 4 : 8;
  const a = (n: number): string => '0x' + hex(n).padStart(width, '0');
  const range = res.start === res.end ? a(res.start) : `${a(res.start)}-${a(res.end)}`;
  const flags = raw || !known ? ` flags 0x${hex(res.flags >>> 0)}` : '';
  return `[${type}${range}${flags}]`;
}

/** One conversion specification, as the kernel's format_decode() splits it. */
interface Spec {
  /** The whole specification, for a conversion this printf does not know. */
  readonly whole: string;
  readonly flags: string;
  readonly width: string | undefined;
  readonly conv: string;
  /** Letters right after the conversion: the %p extension and what follows it. */
  readonly ext: string | undefined;
}

const FLAG_CHARS = '-+ #0';
const CONV_CHARS = 'diouxXscp%';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The specification starting at fmt[i] (a '%'), or null when the text there
 * is none: flags, width (digits or '*'), precision ('.' and digits), length
 * modifier (hh h ll l z t), conversion, then any letters.
 */
function parseSpec(fmt: string, i: number): Spec | null {
  let j = i + 1;
  while (j < fmt.length && FLAG_CHARS.includes(fmt[j]!)) j++;
  const flags = fmt.slice(i + 1, j);
  let width: string | undefined;
  if (fmt[j] === '*') width = fmt[j++];
  else {
    const w = j;
    while (isDigit(fmt.charCodeAt(j))) j++;
    if (j > w) width = fmt.slice(w, j);
  }
  if (fmt[j] === '.' && isDigit(fmt.charCodeAt(j + 1))) {
    j += 2;
    while (isDigit(fmt.charCodeAt(j))) j++;
  }
  const c = fmt[j];
  if (c === 'h' || c === 'l') j += fmt[j + 1] === c ? 2 : 1;
  else if (c === 'z' || c === 't') j++;
  const conv = fmt[j];
  if (conv === undefined || !CONV_CHARS.includes(conv)) return null;
  j++;
  const e = j;
  while (isLetter(fmt.charCodeAt(j))) j++;
  return { whole: fmt.slice(i, j), flags, width, conv, ext: j > e ? fmt.slice(e, j) : undefined };
}

/**
 * Format like the kernel's vsprintf(). Scans for specifications by hand: a
 * global regular expression with a replacer function was the costliest
 * part of naming a device (dev_set_name() formats at once).
 */
export function vsprintf(fmt: string, args: readonly unknown[]): string {
  let i = fmt.indexOf('%');
  if (i < 0) return fmt;
  let ai = 0;
  let out = '';
  let done = 0;
  while (i >= 0) {
    const spec = parseSpec(fmt, i);
    if (spec === null) {
      i = fmt.indexOf('%', i + 1);
      continue;
    }
    out += fmt.slice(done, i);
    done = i + spec.whole.length;
    i = fmt.indexOf('%', done);
    if (spec.conv === '%') {
      out += '%' + (spec.ext ?? '');
      continue;
    }
    let w = 0;
    if (spec.width === '*') w = Number(args[ai++]);
    else if (spec.width !== undefined) w = Number(spec.width);
    out += convert(spec, w, args[ai++]);
  }
  return out + fmt.slice(done);
}

/** One conversion of `arg`, padded to `w`, followed by the rest of the letters after it. */
function convert(spec: Spec, w: number, arg: unknown): string {
  const { flags, conv } = spec;
  const left = flags.includes('-');
  const zero = flags.includes('0') && !left;
  const alt = flags.includes('#');
  let s: string;
  let rest = spec.ext ?? '';
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
      // number()'s SPECIAL prefix: always there for hex, zero included ("0x0"), "0X" for %#X; unlike C's printf.
      if (alt) s = (conv === 'X' ? '0X' : '0x') + s;
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
      return spec.whole;
  }
  return pad(s, w, left, zero) + rest;
}
