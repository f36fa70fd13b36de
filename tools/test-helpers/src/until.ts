/**
 * Waits until `check` holds, looking every 20 ms, or throws after `timeoutMs` (generous by default: the
 * machine may be busy).
 */
export async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
