/**
 * One outbound HTTP(S) request under the address policy, with a hard deadline and a cap on the response size.
 * Built on node:http rather than fetch because only the `lookup` hook lets us pin the connection to the addresses
 * we checked. Redirects are not followed: a redirect to an internal address would bypass the check.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy';
import {
  BlockedAddressError,
  resolveAllowedAddresses,
  UnresolvableHostError,
  type ResolvedAddress,
} from './resolve';

export interface SafeHttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer | null;
  /** Whole request, connect to last byte. */
  timeoutMs: number;
  /** Longer bodies are cut (the provider's answer is kept for diagnosis, not parsed in full). */
  maxResponseBytes?: number;
}

export interface SafeHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
}

/** The request did not complete in time or the connection failed: worth retrying. */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
      return;
    }
    const preferred = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0]!;
    callback(null, preferred.address, preferred.family);
  };
}

export async function safeHttpRequest(
  request: SafeHttpRequest,
  policy: AddressPolicy,
): Promise<SafeHttpResponse> {
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`Only http and https URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw new Error('Put credentials in a header, not in the URL');
  const deadline = Date.now() + request.timeoutMs;
  let addresses: ResolvedAddress[];
  try {
    addresses = await withTimeout(resolveAllowedAddresses(url.hostname, policy), request.timeoutMs);
  } catch (error) {
    if (
      error instanceof HttpTransportError ||
      error instanceof BlockedAddressError ||
      error instanceof UnresolvableHostError
    )
      throw error;
    throw new HttpTransportError(`Could not resolve ${url.hostname}: ${(error as Error).message}`, 'EDNS');
  }
  const maxBytes = request.maxResponseBytes ?? 65_536;
  const client = url.protocol === 'https:' ? https : http;
  const body = request.body ?? null;
  const headers: Record<string, string> = { ...request.headers };
  if (body !== null && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }

  return new Promise<SafeHttpResponse>((resolve, reject) => {
    const req = client.request(
      url,
      { method: request.method, headers, lookup: pinnedLookup(addresses), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (size >= maxBytes) {
            truncated = true;
            return;
          }
          const room = maxBytes - size;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          if (chunk.length > room) truncated = true;
          size += Math.min(chunk.length, room);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            headers: flat,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
          });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(new HttpTransportError(error.message, 'ERESPONSE'));
        });
      },
    );
    const timer = setTimeout(
      () =>
        req.destroy(new HttpTransportError(`No complete answer within ${request.timeoutMs} ms`, 'ETIMEDOUT')),
      Math.max(1, deadline - Date.now()),
    );
    req.on('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(
        error instanceof HttpTransportError
          ? error
          : new HttpTransportError(error.message, error.code ?? 'ECONNECTION'),
      );
    });
    if (body !== null) req.write(body);
    req.end();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new HttpTransportError(`DNS lookup took longer than ${ms} ms`, 'ETIMEDOUT')),
      ms,
    );
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes the rejection on unchanged
        reject(e);
      },
    );
  });
}
