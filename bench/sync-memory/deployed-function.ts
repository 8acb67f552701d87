/**
 * The SyncBucket function as the stack deploys it, for bench/sync-bucket-memory.ts: bundled by
 * esbuild with the options of infra/constructs/backup-function.ts (ESM, minified, names kept,
 * external source map), run by Node with the NODE_OPTIONS the stack renders
 * (infra/constructs/task-workflow.ts: the common `--enable-source-maps` plus the Task's own
 * flags) and the common environment, in a child process of its own so that its RSS is the
 * function's.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMON_ENVIRONMENT } from '../../infra/constructs/backup-function.js';
import { backupWorkflow } from '../../statemachines/tasks/backup-tasks.js';
import type { ChildResult } from './handler-turns.js';

const syncBucketTask = backupWorkflow.tasks.SyncBucket;

export interface DeployedSettings {
  nodeOptions: string;
  memoryMb: number;
  timeoutSeconds: number;
}

/** NODE_OPTIONS, memory and timeout as deployed; `nodeOptions` replaces the Task's own flags. */
export function deployedSettings(nodeOptions?: string): DeployedSettings {
  return {
    nodeOptions: `${COMMON_ENVIRONMENT.NODE_OPTIONS} ${nodeOptions ?? syncBucketTask.nodeOptions}`,
    memoryMb: syncBucketTask.memoryMb,
    timeoutSeconds: syncBucketTask.timeoutSeconds,
  };
}

/** Bundles the turn driver (bench/sync-memory/handler-turns.ts) into `directory`; its path. */
export async function bundleDriver(directory: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(directory, 'sync-bucket.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./handler-turns.ts', import.meta.url))],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'node24',
    platform: 'node',
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
}

/** Runs every turn of one range in the child; resolves with what it measured. */
export async function runTurns(options: {
  driver: string;
  eventFile: string;
  resultFile: string;
  settings: DeployedSettings;
  endpoint: string;
  traceTurns: boolean;
  /** Extra node arguments for diagnosis (e.g. --trace-gc, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}): Promise<ChildResult> {
  const { settings } = options;
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      options.driver,
      options.eventFile,
      options.resultFile,
      String(settings.timeoutSeconds),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        PATH: process.env.PATH,
        ...COMMON_ENVIRONMENT,
        NODE_OPTIONS: settings.nodeOptions,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
        AWS_ENDPOINT_URL: options.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        ...(options.traceTurns ? { BENCH_TRACE_TURNS: '1' } : {}),
        // Diagnosis: glibc malloc settings pass through (MALLOC_ARENA_MAX=2, GLIBC_TUNABLES...).
        ...Object.fromEntries(
          Object.entries(process.env).filter(([name]) => /^(MALLOC_|GLIBC_TUNABLES$)/.test(name)),
        ),
        ...(process.env.BENCH_HEAP_SNAPSHOTS
          ? { BENCH_HEAP_SNAPSHOTS: process.env.BENCH_HEAP_SNAPSHOTS }
          : {}),
      },
    },
  );
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the SyncBucket child exited with ${code}`);
  return JSON.parse(readFileSync(options.resultFile, 'utf8')) as ChildResult;
}
