import { beforeEach, describe, expect, it, vi } from 'vitest';
import { providerErrorFromTransport } from '../providers/http';
import { STRICT_ADDRESS_POLICY } from './address-policy';
import { resolveAllowedAddresses, UnresolvableHostError } from './resolve';
import { HttpTransportError, safeHttpRequest } from './safe-http';

// The resolver's answer is what is under test, so it is scripted: a real resolver may be missing offline.
const dns = vi.hoisted(() => ({ code: 'ENOTFOUND' }));
vi.mock('node:dns/promises', () => ({
  lookup: (host: string) =>
    Promise.reject(Object.assign(new Error(`getaddrinfo ${dns.code} ${host}`), { code: dns.code })),
}));

const request = (url: string) =>
  safeHttpRequest({ url, method: 'POST', body: '{}', timeoutMs: 2_000 }, STRICT_ADDRESS_POLICY);

describe('DNS failures of outbound calls', () => {
  beforeEach(() => {
    dns.code = 'ENOTFOUND';
  });

  it('a name that does not exist is permanent, and the message names the host', async () => {
    await expect(resolveAllowedAddresses('hook.example.invalid', STRICT_ADDRESS_POLICY)).rejects.toThrow(
      UnresolvableHostError,
    );
    const error = await request('https://hook.example.invalid/tasks').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnresolvableHostError);
    const failure = providerErrorFromTransport(error);
    expect(failure.kind).toBe('permanent');
    expect(failure.message).toContain('hook.example.invalid');
    expect(failure.response).toEqual({ unresolvable: 'hook.example.invalid' });
  });

  it('a resolver that could not answer now (EAI_AGAIN) stays temporary', async () => {
    dns.code = 'EAI_AGAIN';
    const error = await request('https://hook.example.com/tasks').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTransportError);
    const failure = providerErrorFromTransport(error);
    expect(failure.kind).toBe('transient');
    expect(failure.message).toContain('hook.example.com');
  });
});
