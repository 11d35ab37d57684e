import { parseRange, type IpRange } from './ip-address';

/** Parses OUTBOUND_ALLOWED_NETWORKS: comma-separated addresses or CIDR ranges. Throws naming the bad entry. */
export function parseAllowList(text: string | undefined): IpRange[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((entry) => {
    const parsed = parseRange(entry);
    if (!parsed) throw new Error(`"${entry.trim()}" is not an IP address or CIDR range (e.g. 10.20.0.0/16, fd12::/64, 127.0.0.1)`);
    return parsed;
  });
}
