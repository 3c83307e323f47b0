/**
 * What the outside world received, counted where it arrives: a real SMTP server (every DATA it accepted, with its
 * Message-ID and subject) and an HTTP SMS gateway that, like a real one, delivers once per idempotency key but
 * records every request that reached it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
export { startSmtpSink, type ReceivedMail, type SmtpSink } from '@wakeflow/testing';

export interface GatewayRequest {
  key: string;
  to: string;
  text: string;
}

export interface Gateway {
  url: string;
  /** Every request, duplicates included. */
  requests: GatewayRequest[];
  /** What was delivered: the first request per idempotency key. */
  delivered: Map<string, GatewayRequest>;
  /** When the first message to each recipient arrived (ms since the epoch). */
  arrivals: Map<string, number>;
  close(): Promise<void>;
}

export async function startGateway(): Promise<Gateway> {
  const requests: GatewayRequest[] = [];
  const delivered = new Map<string, GatewayRequest>();
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.on('error', () => undefined);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; text: string };
      const request = { key: String(req.headers['idempotency-key']), to: body.to, text: body.text };
      requests.push(request);
      if (!arrivals.has(request.to)) arrivals.set(request.to, Date.now());
      if (!delivered.has(request.key)) delivered.set(request.key, request);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `sms-${[...delivered.keys()].indexOf(request.key) + 1}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    delivered,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
