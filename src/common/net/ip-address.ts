import { isIP } from 'node:net';

/**
 * IP address arithmetic for the outbound address policy: parsing to a number, prefix matching,
 * and the IPv4 address some IPv6 forms carry inside them (mapped, compatible, NAT64, 6to4).
 */

export interface ParsedIp {
  family: 4 | 6;
  /** The address as an unsigned integer (32 or 128 bits). */
  value: bigint;
}

/** Parses a canonical dotted-quad IPv4 or an IPv6 address (brackets and a %zone allowed); null otherwise. */
export function parseIp(text: string): ParsedIp | null {
  let address = text.trim();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  const family = isIP(address);
  if (family === 4) return { family: 4, value: parseV4(address) };
  if (family === 6) return { family: 6, value: parseV6(address) };
  return null;
}

function parseV4(address: string): bigint {
  return address.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(address: string): bigint {
  let text = address.toLowerCase();
  // A trailing dotted quad ("::ffff:127.0.0.1") stands for the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = parseV4(quad[1]);
    text = `${text.slice(0, -quad[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}

/** Dotted quad for IPv4; eight full groups for IPv6 (used in messages only). */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((ip.value >> BigInt((7 - i) * 16)) & 0xffffn).toString(16)).join(':');
}

export interface IpRange {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

/** "10.0.0.0/8", "fc00::/7", or a single address (a /32 or /128). Null when it is neither. */
export function parseRange(text: string): IpRange | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { family: ip.family, base: maskOf(ip.value, prefix, bits), prefix };
}

function maskOf(value: bigint, prefix: number, bits: number): bigint {
  const host = BigInt(bits - prefix);
  return (value >> host) << host;
}

export function inRange(ip: ParsedIp, range: IpRange): boolean {
  if (ip.family !== range.family) return false;
  return maskOf(ip.value, range.prefix, ip.family === 4 ? 32 : 128) === range.base;
}

/**
 * The IPv4 address an IPv6 address carries and that a host or a gateway would actually reach:
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4
 * (2002:aabb:ccdd::). Null for any other IPv6 address.
 */
export function embeddedIpv4(ip: ParsedIp): { ip: ParsedIp; form: string } | null {
  if (ip.family !== 6) return null;
  const low32 = ip.value & 0xffffffffn;
  const v4 = (value: bigint): ParsedIp => ({ family: 4, value });
  if (ip.value >> 32n === 0xffffn) return { ip: v4(low32), form: 'IPv4-mapped IPv6' };
  if (ip.value >> 32n === 0n && low32 > 1n) return { ip: v4(low32), form: 'IPv4-compatible IPv6' };
  if (ip.value >> 32n === 0x0064ff9b0000000000000000n) return { ip: v4(low32), form: 'NAT64 IPv6' };
  if (ip.value >> 112n === 0x2002n) return { ip: v4((ip.value >> 80n) & 0xffffffffn), form: '6to4 IPv6' };
  return null;
}
