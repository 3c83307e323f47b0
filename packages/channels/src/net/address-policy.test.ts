import { describe, expect, it } from 'vitest';
import { addressPolicyFromEnv, isHostAllowed, isPrivateAddress } from './address-policy';

describe('address policy', () => {
  it('blocks loopback, private, link-local, CGNAT, multicast and their IPv6 forms', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      'not-an-ip',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
  });

  it('lets public addresses through', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('reads the operator allowance from the environment', () => {
    const policy = addressPolicyFromEnv({ WAKEFLOW_ALLOWED_PRIVATE_HOSTS: 'LocalHost, 127.0.0.1' });
    expect(isHostAllowed('localhost', policy)).toBe(true);
    expect(isHostAllowed('[127.0.0.1]', policy)).toBe(true);
    expect(isHostAllowed('10.0.0.1', policy)).toBe(false);
    expect(isHostAllowed('10.0.0.1', addressPolicyFromEnv({ WAKEFLOW_ALLOW_PRIVATE_NETWORKS: 'true' }))).toBe(
      true,
    );
    expect(addressPolicyFromEnv({})).toEqual({ allowPrivateNetworks: false, allowedHosts: [] });
  });
});
