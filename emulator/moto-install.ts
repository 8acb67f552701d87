import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MotoInstallError } from './errors.js';

/** The moto release the project is tested against; installed when none is present. */
export const MOTO_PIN = 'moto[server]==5.2.1';

/** Where `moto_server` was found: on PATH, or in the project's own `.venv`. */
export interface MotoInstallation {
  /** Absolute path of the `moto_server` executable. */
  command: string;
  /** A Python interpreter next to it (used to launch moto tied to our lifetime), if any. */
  python: string | undefined;
  source: 'path' | 'venv';
}

/**
 * The project root: the nearest folder above this file holding package.json. Walking up
 * (rather than assuming `..`) keeps this right if the emulator is bundled elsewhere.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function venvDir(root: string): string {
  return join(root, '.venv');
}

/** Finds `moto_server` on PATH, else in `<root>/.venv/bin`; undefined when neither has it. */
export function findMotoServer(root: string = projectRoot()): MotoInstallation | undefined {
  const fromPath = onPath('moto_server');
  if (fromPath !== undefined) {
    const sibling = join(dirname(fromPath), 'python3');
    return {
      command: fromPath,
      python: isExecutable(sibling) ? sibling : onPath('python3'),
      source: 'path',
    };
  }
  const bin = join(venvDir(root), 'bin');
  if (isExecutable(join(bin, 'moto_server'))) {
    return { command: join(bin, 'moto_server'), python: join(bin, 'python3'), source: 'venv' };
  }
  return undefined;
}

/** Runs a command to completion; rejects with the tail of its output when it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keepTail = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4_000);
    };
    child.stdout.on('data', keepTail);
    child.stderr.on('data', keepTail);
    child.on('error', (error) =>
      reject(new MotoInstallError(`cannot run ${command}: ${error.message}`)),
    );
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new MotoInstallError(`${command} ${args.join(' ')} exited with ${code}:\n${output}`),
        );
    });
  });
}

let installing: Promise<MotoInstallation> | undefined;

/**
 * Returns a usable `moto_server`, installing the pinned `moto[server]` into
 * `<root>/.venv` when none is found. Build machines ship moto preinstalled (and have no
 * Python package index), so the install path only runs on a user's machine.
 */
export function ensureMotoInstalled(root: string = projectRoot()): Promise<MotoInstallation> {
  const found = findMotoServer(root);
  if (found !== undefined) return Promise.resolve(found);
  // One install per process even if several callers ask at once.
  installing ??= install(root).finally(() => {
    installing = undefined;
  });
  return installing;
}

async function install(root: string): Promise<MotoInstallation> {
  const python = onPath('python3');
  if (python === undefined) {
    throw new MotoInstallError(
      `moto_server is not on PATH and python3 is not either; install Python 3.9+ (or ${MOTO_PIN}) and retry`,
    );
  }
  const venv = venvDir(root);
  if (!isExecutable(join(venv, 'bin', 'python3'))) await run(python, ['-m', 'venv', venv]);
  await run(join(venv, 'bin', 'python3'), [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    MOTO_PIN,
  ]);
  const installed = findMotoServer(root);
  if (installed === undefined) {
    throw new MotoInstallError(
      `installed ${MOTO_PIN} into ${venv} but ${join(venv, 'bin', 'moto_server')} is missing`,
    );
  }
  return installed;
}
