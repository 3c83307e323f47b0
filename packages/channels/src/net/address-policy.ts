/**
 * Which network addresses outbound calls (webhooks, HTTP providers, SMTP, push endpoints) may reach. Anything a
 * workspace user can type a URL into could otherwise probe the worker's own network: loopback, private ranges,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, multicast and the IPv6 equivalents are refused unless the
 * operator allows them (`WAKEFLOW_ALLOW_PRIVATE_NETWORKS=1`, or named hosts in `WAKEFLOW_ALLOWED_PRIVATE_HOSTS`).
 */
import { BlockList, isIP } from 'node:net';

export interface AddressPolicy {
  /** Allow every non-public address (a self-hosted install whose SMTP relay sits on the LAN). */
  allowPrivateNetworks: boolean;
  /** Host names or IP literals exempt from the check, lower-case (e.g. `localhost`, `127.0.0.1`). */
  allowedHosts: readonly string[];
}

export const STRICT_ADDRESS_POLICY: AddressPolicy = { allowPrivateNetworks: false, allowedHosts: [] };

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address embedded in an IPv4-mapped, -compatible or NAT64 IPv6 address, if any. */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** Whether an IP address is anything but a public unicast address. Non-IP input counts as private. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    if (v4) return blocked.check(v4, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return true;
}

export function isHostAllowed(host: string, policy: AddressPolicy): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return policy.allowPrivateNetworks || policy.allowedHosts.includes(h);
}

/** The operator's policy from the environment; strict by default. */
export function addressPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): AddressPolicy {
  const flag = (env.WAKEFLOW_ALLOW_PRIVATE_NETWORKS ?? '').toLowerCase();
  return {
    allowPrivateNetworks: flag === '1' || flag === 'true',
    allowedHosts: (env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  };
}
