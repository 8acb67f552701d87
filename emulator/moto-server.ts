import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { MotoResetError, MotoStartError } from './errors.js';
import { freeLoopbackPort } from './free-port.js';
import { loopbackRequest } from './loopback-http.js';
import { ensureMotoInstalled, type MotoInstallation } from './moto-install.js';

export {
  ensureMotoInstalled,
  findMotoServer,
  MOTO_PIN,
  type MotoInstallation,
} from './moto-install.js';

/** A running `moto_server` on a loopback port. */
export interface MotoServer {
  /** e.g. `http://127.0.0.1:40123` (an IP, so S3 clients fall back to path-style). */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Drops every resource in every region and service (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Use this `moto_server` instead of finding (or installing) one. */
  installation?: MotoInstallation;
  /** How long to wait for `/moto-api/` to answer. Default 30 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 3 s. */
  stopGraceMs?: number;
  /** Extra environment for moto (on top of the parent's). */
  env?: Record<string, string>;
}

const STDERR_TAIL_CHARS = 4_000;
const PORT_ATTEMPTS = 3;

/**
 * Launcher run by Python before exec'ing moto_server: asks Linux to SIGTERM moto when
 * the process that spawned it dies (PR_SET_PDEATHSIG), so a crashed or killed test
 * worker never leaves a server behind. Elsewhere the prctl call fails and is skipped.
 * It exits if the parent is already gone (argv[1] is the expected parent pid).
 */
const LAUNCHER = [
  'import os, sys',
  'try:',
  '    import ctypes, signal',
  '    ctypes.CDLL(None).prctl(1, signal.SIGTERM)',
  'except Exception:',
  '    pass',
  'if os.getppid() != int(sys.argv[1]):',
  '    sys.exit(1)',
  'os.execv(sys.argv[2], sys.argv[2:])',
].join('\n');

/** Starts `moto_server -H 127.0.0.1 -p PORT` on a free port and waits until it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const installation = options.installation ?? (await ensureMotoInstalled());
  let lastError: MotoStartError | undefined;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freeLoopbackPort();
    try {
      return await launch(installation, port, options);
    } catch (error) {
      // Another process may have taken the port between probing and binding.
      if (error instanceof MotoStartError && /address already in use/i.test(error.message)) {
        lastError = error;
        continue;
      }
      throw error;
    }
  }
  throw lastError ?? new MotoStartError('moto_server could not bind a port');
}

async function launch(
  installation: MotoInstallation,
  port: number,
  options: StartMotoOptions,
): Promise<MotoServer> {
  const motoArgs = [installation.command, '-H', '127.0.0.1', '-p', String(port)];
  const [command, args] =
    installation.python !== undefined
      ? [installation.python, ['-c', LAUNCHER, String(process.pid), ...motoArgs]]
      : [installation.command, motoArgs.slice(1)];
  const child = spawn(command, args, {
    env: { ...process.env, MOTO_EC2_LOAD_DEFAULT_AMIS: 'false', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Werkzeug logs every request to stderr: keep draining it (a full pipe would stall
  // moto) but remember only the tail, for error messages.
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 30_000, () => stderrTail);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await terminate(child, exited, 1_000);
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new MotoStartError('moto_server started without a pid');

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    pid,
    async reset() {
      const res = await loopbackRequest(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (res.status !== 200) {
        throw new MotoResetError(
          `POST ${endpoint}/moto-api/reset answered ${res.status}: ${res.body.slice(0, 500)}`,
        );
      }
    },
    stop() {
      stopping ??= terminate(child, exited, options.stopGraceMs ?? 3_000).finally(() =>
        process.removeListener('exit', killOnExit),
      );
      return stopping;
    },
  };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  stderrTail: () => string,
): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError !== undefined) {
      throw new MotoStartError(`cannot run moto_server: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new MotoStartError(
        `moto_server exited (${child.exitCode ?? child.signalCode}) before answering on ${endpoint}; stderr:\n${stderrTail()}`,
      );
    }
    try {
      const res = await loopbackRequest(`${endpoint}/moto-api/`, { timeoutMs: 1_000 });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new MotoStartError(
        `moto_server did not answer ${endpoint}/moto-api/ within ${timeoutMs} ms; stderr:\n${stderrTail()}`,
      );
    }
    await sleep(50);
  }
}

async function terminate(
  child: ChildProcess,
  exited: Promise<void>,
  graceMs: number,
): Promise<void> {
  // No pid: it never started (spawn error), and 'exit' may never fire.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
