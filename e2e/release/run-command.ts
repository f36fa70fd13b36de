import { spawn } from 'node:child_process';

/** How a command ended and what it printed. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  readonly cwd: string;
  /** Kill the command after this long, so a hung step fails the test instead of blocking CI. */
  readonly timeoutMs: number;
}

/** Runs `command …args` without a shell and resolves when it ends, whatever its exit code. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One line saying how a failed command ended, with its output, for an assertion message. */
export function describeResult(what: string, result: CommandResult): string {
  return `${what} exited ${result.code}\n${result.stdout}\n${result.stderr}`;
}
