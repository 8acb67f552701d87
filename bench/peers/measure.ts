/**
 * Runs one tool as a child process under GNU time (`/usr/bin/time -v`), so every tool's peak
 * memory is measured the same way (the kernel's maximum resident set size of the process), and
 * times it from the outside.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  exitCode: number | null;
  wallSeconds: number;
  /** From GNU time's "Maximum resident set size"; undefined when GNU time is not installed. */
  peakRssKiB: number | undefined;
  stdout: string;
  /** The tool's own stderr, GNU time's report removed. */
  stderr: string;
  timedOut: boolean;
}

/** The first executable named `name` on PATH (or the path itself when it has a slash). */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `command --version`-style output (stdout and stderr joined), or undefined if it cannot run. */
export function versionOf(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.trim();
}

const TIME_MARKER = '\tCommand being timed:';
const OUTPUT_LIMIT = 64 * 1024;

function keepTail(buffer: string, chunk: string): string {
  const joined = buffer + chunk;
  return joined.length > OUTPUT_LIMIT ? joined.slice(-OUTPUT_LIMIT) : joined;
}

export function runMeasured(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string },
): Promise<Measured> {
  const haveTime = findExecutable(GNU_TIME) !== undefined;
  const [file, argv] = haveTime ? [GNU_TIME, ['-v', command, ...args]] : [command, args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stdout = keepTail(stdout, chunk)));
    child.stderr
      .setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = keepTail(stderr, chunk)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      let peakRssKiB: number | undefined;
      let toolStderr = stderr;
      let exitCode = code;
      if (haveTime) {
        const at = stderr.lastIndexOf(TIME_MARKER);
        const report = at >= 0 ? stderr.slice(at) : '';
        toolStderr = at >= 0 ? stderr.slice(0, at) : stderr;
        // GNU time prints "Command exited with non-zero status N" just before its report.
        toolStderr = toolStderr.replace(/Command exited with non-zero status \d+\n?$/, '');
        const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
        peakRssKiB = rss ? Number(rss[1]) : undefined;
        const status = /Exit status: (\d+)/.exec(report);
        if (status) exitCode = Number(status[1]);
      }
      resolve({ exitCode, wallSeconds, peakRssKiB, stdout, stderr: toolStderr, timedOut });
    });
  });
}
