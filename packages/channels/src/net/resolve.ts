/**
 * Resolving a host for an outbound connection under the address policy. Every address the name resolves to is
 * checked (one private answer among public ones refuses the lot), and the caller connects to exactly the addresses
 * checked here, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isHostAllowed, isPrivateAddress, type AddressPolicy } from './address-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** The target is refused by policy: a configuration problem that retrying will not fix. */
export class BlockedAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `Refused to connect to ${host} (${address}): private, loopback and link-local addresses are blocked`,
    );
    this.name = 'BlockedAddressError';
  }
}

export async function resolveAllowedAddresses(
  host: string,
  policy: AddressPolicy,
): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const literal = isIP(bare);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: bare, family: literal as 4 | 6 }]
    : (await lookup(bare, { all: true, verbatim: true })).map((a) => ({
        address: a.address,
        family: a.family === 6 ? 6 : 4,
      }));
  if (addresses.length === 0) throw new Error(`${host} did not resolve`);
  if (!isHostAllowed(bare, policy)) {
    for (const a of addresses)
      if (isPrivateAddress(a.address)) throw new BlockedAddressError(host, a.address);
  }
  return addresses;
}
