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

/**
 * The name does not exist (NXDOMAIN, or no address records: `ENOTFOUND`). A typo or a retired host will not start
 * existing on the next attempt, so callers treat this as permanent; a resolver that could not answer (`EAI_AGAIN`,
 * timeouts) stays temporary.
 */
export class UnresolvableHostError extends Error {
  constructor(readonly host: string) {
    super(`The host ${host} does not exist (DNS answered ENOTFOUND): check the host name in the URL`);
    this.name = 'UnresolvableHostError';
  }
}

async function lookupAll(host: string): Promise<ResolvedAddress[]> {
  try {
    const answers = await lookup(host, { all: true, verbatim: true });
    return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch (error) {
    // Node reports getaddrinfo's EAI_NONAME and EAI_NODATA as ENOTFOUND; EAI_AGAIN keeps its own code.
    if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND') throw new UnresolvableHostError(host);
    throw error;
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
    : await lookupAll(bare);
  if (addresses.length === 0) throw new Error(`${host} did not resolve`);
  if (!isHostAllowed(bare, policy)) {
    for (const a of addresses)
      if (isPrivateAddress(a.address)) throw new BlockedAddressError(host, a.address);
  }
  return addresses;
}
