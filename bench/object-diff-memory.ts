/**
 * Benchmark: memory and speed of the incremental bucket sync's planner (issue 4's goal: diffing
 * 1,000,000 keys stays under 100 MB). Synthetic listings — source, backup copies and the previous
 * run's manifest — are generated in key order, a page (1,000 keys, as ListObjectsV2 serves them)
 * at a time, yielding to the event loop between pages as a real paginator does; 1% of the keys
 * change (new, resized, rewritten, same-second rewrites caught by the manifest ETag) and 0.1% are
 * deleted at the source. Prints numbers; asserts nothing.
 *
 * Under tsx the process starts at ~90 MB RSS before any work (its module hooks run in a worker
 * thread with its own V8 heap), which would be billed to the planner. So by default this file
 * bundles itself with esbuild and measures in a plain `node --expose-gc` child, in three passes:
 *   1. generation only: the three synthetic streams drained, no planner (the cost of the input);
 *   2. the plan, memory sampled every 50 ms: peak RSS and heap, growth over a post-GC baseline;
 *   3. the same with V8's young generation (and then the whole heap) capped, as a small function
 *      would run it: the peak in pass 2 is mostly garbage V8 has not bothered to collect yet;
 *   4. the plan again with a forced GC every 10% of keys: the heap it actually retains (flat if
 *      the planner holds O(1) entries).
 *
 *   tsx bench/object-diff-memory.ts [--keys 1000000] [--page 1000] [--in-process]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import {
  countSyncDecision,
  emptySyncSummary,
  planObjectSync,
  type ManifestEntry,
  type ObjectEntry,
} from '../functions/core/object-sync.js';

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    page: { type: 'string', default: '1000' },
    'in-process': { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
    pass: { type: 'string', default: 'plan' },
    label: { type: 'string' },
  },
});
const keyCount = Number(values.keys);
const pageSize = Number(values.page);
const MB = 1024 * 1024;

const copiedAt = '2026-03-01T03:00:00.000Z';
const writtenAt = '2026-02-01T10:00:00.000Z';
const rewrittenAt = '2026-03-02T10:00:00.000Z';

/** Fixed-width keys sort the same in UTF-8 and UTF-16; a non-ASCII prefix keeps the path honest. */
const keyOf = (index: number): string =>
  `données/${String(Math.floor(index / 10_000)).padStart(4, '0')}/obj ${String(index).padStart(8, '0')}+v.bin`;
const etagOf = (index: number, version: number): string =>
  `"${(index * 2654435761 + version).toString(16).padStart(32, '0')}"`;

/** What happened to key i since the last run: 1% changed, spread over the four reasons. */
type Fate = 'same' | 'new' | 'resized' | 'rewritten' | 'raced' | 'deleted';
function fate(index: number): Fate {
  if (index % 1000 === 550) return 'deleted';
  if (index % 100 !== 0) return 'same';
  return (['new', 'resized', 'rewritten', 'raced'] as const)[(index / 100) % 4]!;
}

async function* paged<T>(make: (index: number) => T | undefined): AsyncGenerator<T> {
  for (let index = 0; index < keyCount; index += 1) {
    if (index % pageSize === 0 && index > 0) await nextTurn();
    const entry = make(index);
    if (entry) yield entry;
  }
}

function sourceEntry(index: number): ObjectEntry | undefined {
  const what = fate(index);
  if (what === 'deleted') return undefined;
  return {
    key: keyOf(index),
    size: 1000 + (index % 977) + (what === 'resized' ? 1 : 0),
    etag: etagOf(index, what === 'same' || what === 'new' ? 1 : 2),
    lastModified: what === 'rewritten' ? rewrittenAt : what === 'raced' ? copiedAt : writtenAt,
    storageClass: 'STANDARD',
  };
}

function destinationEntry(index: number): ObjectEntry | undefined {
  if (fate(index) === 'new') return undefined;
  return {
    key: keyOf(index),
    size: 1000 + (index % 977),
    etag: etagOf(index, 99),
    lastModified: copiedAt,
    storageClass: 'STANDARD_IA',
  };
}

function manifestEntry(index: number): ManifestEntry | undefined {
  if (fate(index) === 'new') return undefined;
  return {
    key: keyOf(index),
    size: 1000 + (index % 977),
    sourceEtag: etagOf(index, 1),
    sourceLastModified: writtenAt,
    versionId: `v${index.toString(36)}`,
    checksum: { algorithm: 'CRC64NVME', value: index.toString(36) },
    copiedInRun: 'run-2026-03-01',
  };
}

function streams(): [
  AsyncIterable<ObjectEntry>,
  AsyncIterable<ObjectEntry>,
  AsyncIterable<ManifestEntry>,
] {
  return [paged(sourceEntry), paged(destinationEntry), paged(manifestEntry)];
}

/** A callable gc() even without --expose-gc on the command line. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
const rate = (seconds: number): string =>
  `${Math.round(keyCount / seconds).toLocaleString('en')} keys/s`;

type Pass = 'generation' | 'plan' | 'retained';

/** Peak RSS/heap while `work` runs, sampled every 50 ms, over a post-GC baseline. */
async function sampled(gc: () => void, work: () => Promise<void>): Promise<string> {
  gc();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  let samples = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    samples += 1;
  };
  const sampler = setInterval(sample, 50);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  sample();
  return (
    `peak RSS ${mb(peakRss)} (baseline ${mb(baseline.rss)}, growth ${mb(peakRss - baseline.rss)}), ` +
    `peak heap ${mb(peakHeap)} (baseline ${mb(baseline.heapUsed)}, growth ${mb(peakHeap - baseline.heapUsed)}), ` +
    `${samples} samples`
  );
}

async function measure(pass: Pass, label: string): Promise<void> {
  const gc = exposeGc();
  const started = performance.now();
  const elapsed = (): string => {
    const seconds = (performance.now() - started) / 1000;
    return `${seconds.toFixed(2)} s, ${rate(seconds)}`;
  };
  if (pass === 'generation') {
    const memory = await sampled(gc, async () => {
      for (const entries of streams()) for await (const _entry of entries);
    });
    console.log(`  ${label}: ${elapsed()} (3 streams drained one after another, no planner)`);
    console.log(`    ${memory}`);
  } else if (pass === 'plan') {
    const summary = emptySyncSummary();
    const memory = await sampled(gc, async () => {
      for await (const decision of planObjectSync(...streams())) {
        countSyncDecision(summary, decision);
      }
    });
    console.log(`  ${label}: ${elapsed()} (generation included)`);
    console.log(
      `    decisions: copy ${summary.copies} (new ${summary.copy.new}, ` +
        `size-changed ${summary.copy['size-changed']}, ` +
        `modified-after-copy ${summary.copy['modified-after-copy']}, ` +
        `etag-changed ${summary.copy['etag-changed']}), keep ${summary.keep}, ` +
        `deleted-at-source ${summary.deletedAtSource}`,
    );
    console.log(`    ${memory}`);
  } else {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    const retained: string[] = [];
    const every = Math.max(1, Math.floor(keyCount / 10));
    let seen = 0;
    for await (const _decision of planObjectSync(...streams())) {
      seen += 1;
      if (seen % every === 0) {
        gc();
        retained.push(mb(process.memoryUsage().heapUsed - baseline));
      }
    }
    console.log(`  ${label}: heap retained over baseline every 10%: ${retained.join(', ')}`);
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `    process max RSS ${mb(maxRss)} (goal < 100 MB: ${maxRss < 100 * MB ? 'met' : 'NOT met'})`,
  );
}

const passes: { pass: Pass; label: string; nodeFlags: string[] }[] = [
  { pass: 'generation', label: 'generation only', nodeFlags: [] },
  { pass: 'plan', label: 'plan, default V8 heap', nodeFlags: [] },
  // Most of the peak is young-generation garbage: V8 sizes the young generation for throughput
  // (tens of MB) and collects lazily. A small function's heap flags bound it.
  {
    pass: 'plan',
    label: 'plan, young generation capped (--max-semi-space-size=4)',
    nodeFlags: ['--max-semi-space-size=4'],
  },
  {
    pass: 'plan',
    label: 'plan, whole heap capped (--max-semi-space-size=2 --max-old-space-size=32)',
    nodeFlags: ['--max-semi-space-size=2', '--max-old-space-size=32'],
  },
  { pass: 'retained', label: 'plan, forced GC every 10%', nodeFlags: [] },
];

console.log(
  `object diff: ${keyCount.toLocaleString('en')} keys per stream, pages of ${pageSize}, ` +
    `node ${process.version}`,
);
if (values.child) {
  await measure(values.pass as Pass, values.label ?? values.pass ?? '');
} else if (values['in-process']) {
  for (const { pass, label } of passes) await measure(pass, `${label} (in-process)`);
} else {
  // Bundle this file and run each pass in a fresh plain node child: the tsx loader is not
  // measured, and one pass's high-water RSS does not become the next one's baseline.
  const { build } = await import('esbuild');
  const directory = mkdtempSync(join(tmpdir(), 'object-diff-'));
  try {
    const bundle = join(directory, 'bench.mjs');
    const result = await build({
      entryPoints: [fileURLToPath(import.meta.url)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      external: ['esbuild'],
    });
    writeFileSync(bundle, result.outputFiles[0]!.contents);
    for (const { pass, label, nodeFlags } of passes) {
      const run = spawnSync(
        process.execPath,
        [
          '--expose-gc',
          ...nodeFlags,
          bundle,
          '--child',
          '--pass',
          pass,
          '--label',
          label,
          '--keys',
          String(keyCount),
          '--page',
          String(pageSize),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
      );
      // The child's own header line repeats ours.
      process.stdout.write(run.stdout.split('\n').slice(1).join('\n').trimEnd() + '\n');
      if (run.status !== 0) process.exitCode = run.status ?? 1;
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
