/**
 * Benchmark: incremental bucket copies, the product's sync against `aws s3 sync` (Debian's
 * awscli) and `rclone sync` (Debian's rclone), on the same emulator endpoint through the
 * counting test cloud. One source bucket (us-east-1) of N small objects with varied keys and a
 * few multipart-sized ones (above a low multipart threshold that every tool is given, copied in
 * parts of that size); one versioned destination bucket (us-west-2) per tool, each written
 * under the prefix `<sourceBucket>/` (the product's layout). Phases, each tool in turn:
 *
 *   1. initial full sync;  2. sync with no change;  3. sync after rewriting 1% of the small
 *   objects (half with the same size, half with a new size);  4. sync after rewriting another 1%
 *   with the same bytes (same ETag, newer time);  5. sync after rewriting every large object.
 *
 * For each phase and tool: requests by operation (counts zeroed before, read after), requests
 * per object, wall time and peak RSS (every tool is a child process under `/usr/bin/time -v`);
 * then requests per unchanged object and per changed object (a phase's requests less the
 * no-change phase's, over the objects it changed), and each peer's against the product's.
 * After each phase the destination is checked against the source (keys and ETags, or the
 * bytes' MD5 for a multipart copy, read straight from moto). Prints tables; asserts nothing.
 *
 *   npm run bench:bucket-sync -- [--objects 10000] [--changed 0.01] [--tools aws,rclone,product]
 *                                [--rclone-variants default,checksum,server-modtime]
 *                                [--large 4] [--large-mib 12] [--multipart-mib 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ensureMotoInstalled,
  startMoto,
  startTestCloud,
  type TestCloud,
} from '../emulator/index.js';
import { BenchBuckets } from './peers/buckets.js';
import { findExecutable, GNU_TIME, runMeasured } from './peers/measure.js';
import {
  changes,
  largeBody,
  largeChanges,
  largeKeys,
  objectBody,
  objectKeys,
  touches,
  type Change,
} from './peers/objects.js';
import { printReport, type PhaseSizes, type Result } from './peers/report.js';
import {
  awsCliTool,
  PRODUCT_POLICY,
  productNode,
  productTool,
  rcloneTool,
  type SyncContext,
  type SyncTool,
} from './peers/tools.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    changed: { type: 'string', default: '0.01' },
    tools: { type: 'string', default: 'product,aws,rclone' },
    'rclone-variants': { type: 'string', default: 'default,checksum,server-modtime' },
    'timeout-minutes': { type: 'string', default: '30' },
    large: { type: 'string', default: '4' },
    'large-mib': { type: 'string', default: '12' },
    'multipart-mib': { type: 'string', default: '5' },
  },
});
const objectCount = Number(values.objects);
const changedFraction = Number(values.changed);
const wantedTools = new Set((values.tools ?? '').split(',').map((t) => t.trim()));
const timeoutMs = Number(values['timeout-minutes']) * 60_000;
if (!Number.isInteger(objectCount) || objectCount < 1) throw new Error('--objects: a count ≥ 1');
if (!(changedFraction > 0 && changedFraction <= 0.5)) throw new Error('--changed: in (0, 0.5]');
const largeCount = Number(values.large);
const largeBytes = Number(values['large-mib']) * 2 ** 20;
const multipartMiB = Number(values['multipart-mib']);
if (!Number.isInteger(largeCount) || largeCount < 0) throw new Error('--large: a count ≥ 0');
if (!(Number.isInteger(multipartMiB) && multipartMiB >= 5))
  throw new Error('--multipart-mib: a whole number ≥ 5 (the product and S3 take no less)');
if (!(largeBytes > multipartMiB * 2 ** 20))
  throw new Error('--large-mib: above --multipart-mib, so the large objects are multipart');

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAYOUT = {
  sourceBucket: 'bench-sync-source',
  sourceRegion: 'us-east-1',
  destinationRegion: 'us-west-2',
};
const PHASES = [
  { id: 'full', title: 'initial full sync' },
  { id: 'nochange', title: 'sync with no change' },
  { id: 'changed', title: `sync after ${changedFraction * 100}% of the small objects changed` },
  {
    id: 'touched',
    title: `sync after another ${changedFraction * 100}% were rewritten with the same bytes`,
  },
  { id: 'changed-large', title: `sync after the ${largeCount} multipart-sized objects changed` },
] as const;
type Phase = (typeof PHASES)[number];
/** What each phase after the second rewrites before the tools run. */
const MUTATIONS: Partial<Record<Phase['id'], (keys: string[]) => Change[]>> = {
  changed: (keys) => changes(keys, changedFraction),
  touched: (keys) => touches(keys, changedFraction),
  'changed-large': () => largeChanges(largeKeys(largeCount), largeBytes),
};

/** What the phases run against: the counting test cloud, the buckets, the tools' context. */
interface Bench {
  cloud: TestCloud;
  buckets: BenchBuckets;
  context: SyncContext;
}

const RCLONE_VARIANTS: Record<string, { label: string; flags: string[] }> = {
  default: { label: '(defaults: size+modtime)', flags: [] },
  checksum: { label: '--checksum --fast-list', flags: ['--checksum', '--fast-list'] },
  'server-modtime': { label: '--use-server-modtime', flags: ['--use-server-modtime'] },
};

// --------------------------------------------------------------------------------- the tools

/** The tools asked for (--tools, --rclone-variants); `tagSource` opts the source in for the product. */
function selectTools(tagSource: () => Promise<void>): SyncTool[] {
  const tools: SyncTool[] = [];
  if (wantedTools.has('product'))
    tools.push(productTool('bench-dst-product', { repoRoot, tagSource }));
  if (wantedTools.has('aws')) tools.push(awsCliTool('bench-dst-awscli'));
  if (wantedTools.has('rclone'))
    for (const variant of (values['rclone-variants'] ?? '').split(',').filter(Boolean)) {
      const spec = RCLONE_VARIANTS[variant];
      if (!spec) throw new Error(`--rclone-variants: unknown "${variant}"`);
      tools.push(rcloneTool(`bench-dst-rclone-${variant}`, spec));
    }
  return tools;
}

function printTools(tools: readonly SyncTool[]): void {
  console.log(
    `bucket sync benchmark: ${objectCount} small objects, ${changedFraction * 100}% changed; ` +
      `${largeCount} of ${largeBytes / 2 ** 20} MiB, multipart above ${multipartMiB} MiB`,
  );
  for (const tool of tools) {
    console.log(
      tool.unavailable
        ? `  - ${tool.name}: SKIPPED, ${tool.unavailable}`
        : `  - ${tool.name}: ${tool.version}`,
    );
  }
  if (!findExecutable(GNU_TIME))
    console.log(
      `  (GNU time not found at ${GNU_TIME}: peak RSS not measured; apt-get install -y time)`,
    );
}

// ------------------------------------------------------------------------------- the phases

/**
 * The source's objects, every tool's destination, each runnable tool prepared, the product's
 * baseline measured; returns the source's keys and that baseline.
 */
async function setUp(
  buckets: BenchBuckets,
  tools: readonly SyncTool[],
  runnable: readonly SyncTool[],
  context: SyncContext,
): Promise<{ keys: string[]; productBaselineMiB: number | undefined }> {
  const keys = objectKeys(objectCount);
  const started = performance.now();
  await buckets.createSource();
  await buckets.putAll(keys.map((key) => ({ key, body: objectBody(key, 0) })));
  for (const key of largeKeys(largeCount))
    await buckets.putAll([{ key, body: largeBody(key, 0, largeBytes) }]);
  for (const tool of tools) await buckets.createDestination(tool.destinationBucket);
  for (const tool of runnable) await tool.prepare?.(context);
  const productBaselineMiB = await productBaseline(runnable);
  console.log(
    `source s3://${LAYOUT.sourceBucket} (${LAYOUT.sourceRegion}): ${objectCount} small and ` +
      `${largeCount} of ${largeBytes / 2 ** 20} MiB (multipart above ${multipartMiB} MiB) written in ` +
      `${((performance.now() - started) / 1000).toFixed(1)}s; destinations in ${LAYOUT.destinationRegion}, versioned\n`,
  );
  return { keys, productBaselineMiB };
}

/** The product's fixed cost: Node, tsx compiling the CLI, the SDK clients it loads. */
async function productBaseline(runnable: readonly SyncTool[]): Promise<number | undefined> {
  if (!runnable.some((tool) => tool.name.includes('(product)'))) return undefined;
  const help = await runMeasured(
    productNode(repoRoot),
    [join(repoRoot, 'bin', 'backupctl.js'), '--help'],
    { env: { PATH: process.env.PATH }, timeoutMs: 120_000, cwd: repoRoot },
  );
  return help.peakRssKiB === undefined ? undefined : help.peakRssKiB / 1024;
}

/** Before a phase that changes the source: rewrite its objects, strictly newer than the last sync. */
async function changeObjects(buckets: BenchBuckets, changed: Change[]): Promise<void> {
  // Last-modified times have one-second resolution: make the rewrite strictly newer.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await buckets.putAll(changed);
  console.log(
    `rewrote ${changed.length} objects (${changed.filter((c) => c.sameSize).length} same size, ` +
      `${changed.filter((c) => !c.sameSize).length} new size or new bytes of the same size)`,
  );
}

/** One tool's sync in one phase: counted, timed, its destination checked. */
async function runTool(
  bench: Bench,
  tool: SyncTool,
  phase: Phase,
  source: Map<string, string>,
): Promise<Result> {
  bench.cloud.reset();
  const measured = await tool.run(bench.context, phase.id);
  const counts = bench.cloud.counts();
  const s3Requests = counts.byService.s3 ?? 0;
  const { check, versions } = await bench.buckets.check(tool.destinationBucket, source);
  console.log(
    `${phase.id.padEnd(8)} ${tool.name}: exit ${measured.exitCode}${measured.timedOut ? ' (timed out)' : ''}, ` +
      `${counts.total} requests, ${measured.wallSeconds.toFixed(1)}s, destination ${check}, ${versions} versions` +
      verification(measured.stdout),
  );
  if (measured.exitCode !== 0 || measured.timedOut)
    console.log(
      `    stderr: ${tail(measured.stderr) || '(empty)'}\n    stdout: ${tail(measured.stdout, 3)}`,
    );
  return {
    tool: tool.name,
    phase: phase.id,
    measured,
    counts,
    s3Requests,
    otherRequests: counts.total - s3Requests,
    check,
    versions,
  };
}

/** Set-up, then every phase with every runnable tool in turn. */
async function runPhases(
  bench: Bench,
  tools: readonly SyncTool[],
  runnable: readonly SyncTool[],
): Promise<{ results: Result[]; productBaselineMiB: number | undefined }> {
  const { keys, productBaselineMiB } = await setUp(bench.buckets, tools, runnable, bench.context);
  const results: Result[] = [];
  for (const phase of PHASES) {
    const mutation = MUTATIONS[phase.id];
    if (mutation) await changeObjects(bench.buckets, mutation(keys));
    const source = await bench.buckets.sourceListing();
    for (const tool of runnable) results.push(await runTool(bench, tool, phase, source));
  }
  return { results, productBaselineMiB };
}

/** The product's own count of copies and verified copies (its `--json` run summary), if it printed one. */
function verification(stdout: string): string {
  try {
    const copies = (JSON.parse(stdout) as { bucketCopies?: { copied: number; verified: number } })
      .bucketCopies;
    return copies ? `; its summary: ${copies.copied} copied, ${copies.verified} verified` : '';
  } catch {
    return '';
  }
}

function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n    ');
}

// ------------------------------------------------------------------------------------ the run

// Tagging runs in the product's prepare(), once `buckets` below exists.
const tools = selectTools(() => buckets.tagSource(PRODUCT_POLICY));
printTools(tools);
const runnable = tools.filter((tool) => tool.unavailable === undefined);

await ensureMotoInstalled();
const moto = await startMoto();
const cloud = await startTestCloud({ upstream: moto.endpoint });
const workDir = mkdtempSync(join(tmpdir(), 'bench-bucket-sync-'));
const buckets = new BenchBuckets(moto.endpoint, LAYOUT);
const context: SyncContext = {
  endpoint: cloud.endpoint,
  ...LAYOUT,
  workDir,
  repoRoot,
  timeoutMs,
  multipartMiB,
};
let run: { results: Result[]; productBaselineMiB: number | undefined };
try {
  run = await runPhases({ cloud, buckets, context }, tools, runnable);
} finally {
  await cloud.stop();
  await moto.stop();
  rmSync(workDir, { recursive: true, force: true });
}

const smallKeys = objectKeys(objectCount);
const sizes: PhaseSizes = {
  objects: objectCount + largeCount,
  changed: {
    changed: changes(smallKeys, changedFraction).length,
    touched: touches(smallKeys, changedFraction).length,
    'changed-large': largeCount,
  },
  partsPerLarge: Math.ceil(largeBytes / (multipartMiB * 2 ** 20)),
};
printReport({ phases: PHASES, tools, sizes, ...run });
