import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { getFreePort, getFreePorts, isPortOpen, waitForPort } from './ports.js';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('free ports', () => {
  it('returns a port that can then be bound', async () => {
    const port = await getFreePort();
    expect(port).toBeGreaterThan(0);
    const server = await listen(port);
    expect(await isPortOpen(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await isPortOpen(port)).toBe(false);
  });

  it('returns distinct ports when asked for several', async () => {
    const ports = await getFreePorts(5);
    expect(new Set(ports).size).toBe(5);
  });

  it('waitForPort sees a port that opens later, and gives up on one that never does', async () => {
    const port = await getFreePort();
    let server: net.Server | undefined;
    setTimeout(() => void listen(port).then((s) => (server = s)), 300);
    expect(await waitForPort(port, '127.0.0.1', 5_000)).toBe(true);
    await new Promise((resolve) => server?.close(resolve));
    expect(await waitForPort(await getFreePort(), '127.0.0.1', 300)).toBe(false);
  });
});
