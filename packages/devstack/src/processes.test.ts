import { describe, expect, it } from 'vitest';
import { managedProcesses, runCommand, spawnManaged } from './processes.js';

describe('processes', () => {
  it('stops a long-running child and its own children', async () => {
    // The shell starts a grandchild; stopping the group must end both.
    const proc = spawnManaged({
      name: 'sleepy',
      command: 'sh',
      args: ['-c', 'sleep 60 & echo started; wait'],
      output: 'capture',
    });
    await expect.poll(() => proc.tail()).toContain('started');
    expect(managedProcesses()).toContain(proc);
    const exit = await proc.stop({ timeoutMs: 2_000 });
    expect(exit.signal ?? exit.code).toBeTruthy();
    expect(proc.running).toBe(false);
    expect(managedProcesses()).not.toContain(proc);
  });

  it('escalates to SIGKILL when the child ignores the stop signal', async () => {
    const proc = spawnManaged({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.1; done'],
      output: 'capture',
    });
    await expect.poll(() => proc.tail()).toContain('ready');
    const exit = await proc.stop({ timeoutMs: 300 });
    expect(exit.signal).toBe('SIGKILL');
  });

  it('runCommand returns output, and reports the exit code and output on failure', async () => {
    expect((await runCommand({ name: 'echo', command: 'sh', args: ['-c', 'echo hello'] })).output).toBe(
      'hello',
    );
    await expect(
      runCommand({ name: 'fail', command: 'sh', args: ['-c', 'echo oops >&2; exit 3'] }),
    ).rejects.toThrow(/exited with code 3[\s\S]*oops/);
  });

  it('reports a missing command clearly', async () => {
    await expect(runCommand({ name: 'missing', command: '/nonexistent/cmd' })).rejects.toThrow(
      /failed to start|127/,
    );
  });
});

describe('process groups', () => {
  it('waits for children that outlive the group leader, within the timeout', async () => {
    // The leader exits at once on SIGTERM; its child needs 300 ms to finish and must not be killed early.
    const script = `
      sh -c 'trap "sleep 0.3; echo child-done; exit 0" TERM; echo child-ready; while :; do sleep 0.05; done' &
      trap "exit 0" TERM
      wait`;
    const proc = spawnManaged({ name: 'leader', command: 'sh', args: ['-c', script], output: 'capture' });
    await expect.poll(() => proc.tail()).toContain('child-ready');
    const started = Date.now();
    await proc.stop({ timeoutMs: 5_000 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(4_000);
  });
});
