/**
 * Test support: a customer in a journey run (rows the message log refers to), a real SMTP server that keeps what
 * it receives, and a programmable local HTTP server standing in for gateways, webhooks and push services.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { customers, journeys, journeyVersions, runs, templates, type Database } from '@wakeflow/db';
import type { SendRequest } from '@wakeflow/nodes';

export const WORKSPACE = 'test';

let counter = 0;

export interface SeededRun {
  customerId: string;
  journeyId: string;
  runId: string;
  workflowId: string;
}

export async function seedJourney(
  db: Database,
  options: { priority?: number } = {},
): Promise<{ journeyId: string }> {
  const [journey] = await db
    .insert(journeys)
    .values({ workspaceId: WORKSPACE, name: `journey ${++counter}`, draftGraph: { nodes: [], edges: [] } })
    .returning({ id: journeys.id });
  await db.insert(journeyVersions).values({
    workspaceId: WORKSPACE,
    journeyId: journey!.id,
    version: 1,
    graph: {},
    plan: { settings: { priority: options.priority ?? 5 } },
    planHash: '0'.repeat(64),
    triggerType: 'api_trigger',
  });
  return { journeyId: journey!.id };
}

export async function seedCustomer(
  db: Database,
  values: Partial<typeof customers.$inferInsert> = {},
): Promise<string> {
  const n = ++counter;
  const [c] = await db
    .insert(customers)
    .values({
      workspaceId: WORKSPACE,
      externalId: `cust-${n}`,
      email: `cust${n}@example.com`,
      phone: `+861380000${String(n).padStart(4, '0')}`,
      firstName: 'Mei',
      consent: { email: true, sms: true, push: true },
      timezone: 'UTC',
      lastActivityAt: new Date(Date.now() - 120 * 86_400_000),
      ...values,
    })
    .returning({ id: customers.id });
  return c!.id;
}

export async function seedRun(db: Database, customerId: string, journeyId: string): Promise<SeededRun> {
  const n = ++counter;
  const workflowId = `journey/${WORKSPACE}/${journeyId}/v1/${customerId}/${n}`;
  const [run] = await db
    .insert(runs)
    .values({
      workspaceId: WORKSPACE,
      workflowId,
      journeyId,
      version: 1,
      customerId,
      entry: n,
      startedAt: new Date(),
    })
    .returning({ id: runs.id });
  return { customerId, journeyId, runId: run!.id, workflowId };
}

export async function seedTemplate(
  db: Database,
  values: Partial<typeof templates.$inferInsert> & { id: string },
): Promise<void> {
  await db.insert(templates).values({
    workspaceId: WORKSPACE,
    channel: 'email',
    name: values.id,
    subject: 'Welcome back, {{ customer.first_name }}',
    body: 'Hi {{ customer.first_name }}, your code is {{ steps.offer.code | default: "none" }}. Unsubscribe: {{ unsubscribe_url }}',
    html: '<html><body><p>Hi {{ customer.first_name }}</p><a href="https://shop.example/back">Shop</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>',
    ...values,
  });
}

export function sendRequest(run: SeededRun, nodeId: string, over: Partial<SendRequest> = {}): SendRequest {
  return {
    workspaceId: WORKSPACE,
    idempotencyKey: `${run.workflowId}#${nodeId}`,
    customerId: run.customerId,
    channel: 'email',
    templateId: 'welcome',
    runId: run.runId,
    journeyId: run.journeyId,
    nodeId,
    holdout: false,
    context: { entry: {}, steps: {} },
    // Midday UTC: outside quiet hours for the UTC customers most tests use, whatever the real clock says.
    requestedAt: '2026-06-15T12:00:00.000Z',
    ...over,
  };
}

export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Per recipient: an SMTP reply to answer RCPT TO with instead of accepting. */
  rejectRecipient: Map<string, { code: number; message: string }>;
  /** Credentials clients logged in with. */
  logins: { username: string; password: string }[];
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const rejectRecipient = new Map<string, { code: number; message: string }>();
  const logins: { username: string; password: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onRcptTo(
      address: SMTPServerAddress,
      _session: SMTPServerSession,
      callback: (err?: Error | null) => void,
    ) {
      const reject = rejectRecipient.get(address.address);
      if (reject) {
        const error = Object.assign(new Error(reject.message), { responseCode: reject.code });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    rejectRecipient,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body's bytes (binary payloads such as encrypted web push). */
  raw: Buffer;
}

export interface TestHttpServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Answers each request; the default is 200 with `{"id":"gw-<n>"}`. */
  respond: (req: RecordedRequest, index: number) => { status: number; body?: string; delayMs?: number };
  close(): Promise<void>;
}

export async function startHttpServer(): Promise<TestHttpServer> {
  const state: TestHttpServer = {
    url: '',
    port: 0,
    requests: [],
    respond: (_req, i) => ({ status: 200, body: JSON.stringify({ id: `gw-${i}` }) }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw.toString('utf8'),
        raw,
      };
      const index = state.requests.push(recorded) - 1;
      const answer = state.respond(recorded, index);
      const reply = () => {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** A port nothing listens on: bind, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
