/** Polls until `probe` returns a value (real time): for state that another process or the worker writes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  options: { what?: string; timeoutMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting${options.what ? ` for ${options.what}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
