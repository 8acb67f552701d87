import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { MotoInstallError, MotoStartError } from '../../emulator/errors.js';
import { loopbackRequest } from '../../emulator/loopback-http.js';
import {
  ensureMotoInstalled,
  findMotoServer,
  startMoto,
  type MotoServer,
} from '../../emulator/moto-server.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  return !isAlive(pid);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('startMoto', () => {
  let moto: MotoServer;
  let ec2: EC2Client;

  beforeAll(async () => {
    moto = await startMoto();
    ec2 = new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  });

  afterAll(async () => {
    ec2?.destroy();
    await moto?.stop();
  });

  it('listens on a loopback IP endpoint and answers /moto-api/', async () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    expect(isAlive(moto.pid)).toBe(true);
    const res = await loopbackRequest(`${moto.endpoint}/moto-api/`);
    expect(res.status).toBe(200);
  });

  it('serves AWS APIs, without the default AMIs', async () => {
    const volume = await ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }),
    );
    expect(volume.VolumeId).toMatch(/^vol-/);
    const images = await ec2.send(new DescribeImagesCommand({}));
    expect(images.Images).toEqual([]);
  });

  it('reset() drops all state', async () => {
    await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }));
    expect((await ec2.send(new DescribeVolumesCommand({}))).Volumes?.length).toBeGreaterThan(0);
    await moto.reset();
    expect((await ec2.send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
  });
});

describe('stopping moto', () => {
  it('stop() ends the process and frees the port', async () => {
    const moto = await startMoto();
    await moto.stop();
    expect(isAlive(moto.pid)).toBe(false);
    expect(await canBind(moto.port)).toBe(true);
    await moto.stop(); // idempotent
  });

  it('two servers run side by side on different ports', async () => {
    const [a, b] = await Promise.all([startMoto(), startMoto()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect((await loopbackRequest(`${b.endpoint}/moto-api/`)).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('dies with the process that started it, even one killed with SIGKILL', async () => {
    const script = [
      "import { startMoto } from './emulator/moto-server.ts';",
      'const moto = await startMoto();',
      'console.log(moto.pid);',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const motoPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    expect(isAlive(motoPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitUntilGone(motoPid)).toBe(true);
  });
});

describe('startMoto failures', () => {
  it('reports a server that exits before answering, with its stderr', async () => {
    const start = startMoto({
      installation: { command: '/bin/sh', python: undefined, source: 'path' },
      startTimeoutMs: 5_000,
    });
    // /bin/sh -H ... fails at once with a usage error on stderr.
    await expect(start).rejects.toThrow(MotoStartError);
    await expect(start).rejects.toThrow(/exited .* before answering/);
  });
});

describe('finding and installing moto', () => {
  const savedPath = process.env.PATH;
  let root: string;
  let bin: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'moto-install-'));
    bin = join(root, 'bin');
    mkdirSync(bin);
    process.env.PATH = bin; // only what the test puts there
  });

  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(root, { recursive: true, force: true });
  });

  function executable(path: string, script: string): void {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
  }

  it('prefers moto_server on PATH, then the project .venv', () => {
    expect(findMotoServer(root)).toBeUndefined();
    executable(join(root, '.venv', 'bin', 'moto_server'), 'exit 0');
    expect(findMotoServer(root)).toMatchObject({
      command: join(root, '.venv', 'bin', 'moto_server'),
      source: 'venv',
    });
    executable(join(bin, 'moto_server'), 'exit 0');
    expect(findMotoServer(root)).toMatchObject({
      command: join(bin, 'moto_server'),
      source: 'path',
    });
  });

  it('says what is missing when there is no Python to install with', async () => {
    await expect(ensureMotoInstalled(root)).rejects.toThrow(MotoInstallError);
    await expect(ensureMotoInstalled(root)).rejects.toThrow(/python3 is not/);
  });

  it('reports a failed install with the installer output', async () => {
    executable(join(bin, 'python3'), 'echo "no index reachable" >&2; exit 3');
    await expect(ensureMotoInstalled(root)).rejects.toThrow(
      /-m venv .* exited with 3:\s+no index reachable/,
    );
  });
});
