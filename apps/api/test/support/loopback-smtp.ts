/**
 * Email through a real SMTP server on loopback, for API tests: providers may only reach loopback when the operator
 * allows it (`WAKEFLOW_ALLOWED_PRIVATE_HOSTS`, read when the bench and the app are built), and the workspace's email
 * provider is created through the API, as an engineer would.
 */
import request from 'supertest';
import { expect } from 'vitest';
import type { createApp } from '../../src/app';

/** Lets providers reach 127.0.0.1 until the returned function restores the setting; call before building the bench. */
export function allowLoopbackProviders(): () => void {
  const before = process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS;
  process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = '127.0.0.1';
  return () => {
    if (before === undefined) delete process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS;
    else process.env.WAKEFLOW_ALLOWED_PRIVATE_HOSTS = before;
  };
}

/** The workspace's email provider `mail`, sending to the SMTP server on this loopback port. */
export async function addSmtpProvider(app: ReturnType<typeof createApp>, port: number): Promise<void> {
  const created = await request(app)
    .post('/api/providers')
    .send({
      id: 'mail',
      channel: 'email',
      kind: 'smtp',
      settings: { host: '127.0.0.1', port, fromAddress: 'shop@wakeflow.example', timeoutMs: 5_000 },
    });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}
