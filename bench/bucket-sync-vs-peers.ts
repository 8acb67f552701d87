/**
 * Benchmark: incremental bucket copies, the product's sync against `aws s3 sync` (Debian's
 * awscli) and `rclone sync` (Debian's rclone), on the same emulator endpoint through the
 * counting test cloud. One source bucket (us-east-1) of N small objects with varied keys; one
 * versioned destination bucket (us-west-2) per tool, each written under the prefix
 * `<sourceBucket>/` (the product's layout). Phases, each tool in turn:
 *
 *   1. initial full sync;  2. sync with no change;  3. sync after rewriting 1% of the objects
 *   (half with the same size, half with a new size).
 *
 * For each phase and tool: requests by operation (counts zeroed before, read after), requests
 * per object, wall time and peak RSS (every tool is a child process under `/usr/bin/time -v`).
 * After each phase the destination is checked against the source (keys and ETags, read straight
 * from moto). Prints tables and ratios; it asserts nothing.
 *
 *   npm run bench:bucket-sync -- [--objects 10000] [--changed 0.01] [--tools aws,rclone,product]
 *                                [--rclone-variants default,checksum,server-modtime]
 */
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { ensureMotoInstalled, startMoto, startTestCloud } from '../emulator/index.js';
import type { RequestCounts } from '../emulator/index.js';
import { findExecutable, GNU_TIME, runMeasured, type Measured } from './peers/measure.js';
import { changes, objectBody, objectKeys } from './peers/objects.js';
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
  },
});
const objectCount = Number(values.objects);
const changedFraction = Number(values.changed);
const wantedTools = new Set((values.tools ?? '').split(',').map((t) => t.trim()));
const timeoutMs = Number(values['timeout-minutes']) * 60_000;
if (!Number.isInteger(objectCount) || objectCount < 1) throw new Error('--objects: a count ≥ 1');
if (!(changedFraction > 0 && changedFraction <= 1)) throw new Error('--changed: in (0, 1]');

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_REGION = 'us-east-1';
const DESTINATION_REGION = 'us-west-2';
const SOURCE_BUCKET = 'bench-sync-source';
const PHASES = [
  { id: 'full', title: 'initial full sync' },
  { id: 'nochange', title: 'sync with no change' },
  { id: 'changed', title: `sync after ${changedFraction * 100}% of the objects changed` },
] as const;
type PhaseId = (typeof PHASES)[number]['id'];

const RCLONE_VARIANTS: Record<string, { label: string; flags: string[] }> = {
  default: { label: '(defaults: size+modtime)', flags: [] },
  checksum: { label: '--checksum --fast-list', flags: ['--checksum', '--fast-list'] },
  'server-modtime': { label: '--use-server-modtime', flags: ['--use-server-modtime'] },
};

// --------------------------------------------------------------------------------- the tools

const tools: SyncTool[] = [];
if (wantedTools.has('product'))
  tools.push(
    productTool('bench-dst-product', {
      repoRoot,
      tagSource: () => tagSourceBucket(),
    }),
  );
if (wantedTools.has('aws')) tools.push(awsCliTool('bench-dst-awscli'));
if (wantedTools.has('rclone'))
  for (const variant of (values['rclone-variants'] ?? '').split(',').filter(Boolean)) {
    const spec = RCLONE_VARIANTS[variant];
    if (!spec) throw new Error(`--rclone-variants: unknown "${variant}"`);
    tools.push(rcloneTool(`bench-dst-rclone-${variant}`, spec));
  }

console.log(`bucket sync benchmark: ${objectCount} objects, ${changedFraction * 100}% changed`);
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
const runnable = tools.filter((tool) => tool.unavailable === undefined);

// ------------------------------------------------------------------------------ the emulator

await ensureMotoInstalled();
const moto = await startMoto();
const cloud = await startTestCloud({ upstream: moto.endpoint });
const workDir = mkdtempSync(join(tmpdir(), 'bench-bucket-sync-'));
/** Setup and checks talk to moto directly: they are not counted. */
const direct = (region: string) =>
  new S3Client({
    region,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
const sourceS3 = direct(SOURCE_REGION);
const destinationS3 = direct(DESTINATION_REGION);

async function tagSourceBucket(): Promise<void> {
  await sourceS3.send(
    new PutBucketTaggingCommand({
      Bucket: SOURCE_BUCKET,
      Tagging: { TagSet: [{ Key: 'backup:policy', Value: PRODUCT_POLICY }] },
    }),
  );
}

async function putAll(entries: { key: string; body: Buffer }[]): Promise<void> {
  const limit = pLimit(32);
  await Promise.all(
    entries.map(({ key, body }) =>
      limit(() =>
        sourceS3.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key: key, Body: body })),
      ),
    ),
  );
}

/** Key → ETag of every current object under `prefix`, straight from moto. */
async function listing(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const answer = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const item of answer.Contents ?? [])
      found.set(item.Key!.slice(prefix.length), item.ETag ?? '');
    token = answer.NextContinuationToken;
    if (!answer.IsTruncated || !token) break;
  }
  return found;
}

/** How many versions (noncurrent included) the destination holds under `prefix`. */
async function versionCount(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let count = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const answer = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
      }),
    );
    count += (answer.Versions ?? []).length;
    keyMarker = answer.NextKeyMarker;
    versionMarker = answer.NextVersionIdMarker;
    if (!answer.IsTruncated || !keyMarker) break;
  }
  return count;
}

/** "ok" or what differs between the source and the tool's copy of it. */
function compare(source: Map<string, string>, copy: Map<string, string>): string {
  let missing = 0;
  let stale = 0;
  let extra = 0;
  const samples: string[] = [];
  for (const [key, etag] of source) {
    const copied = copy.get(key);
    if (copied === undefined) missing++;
    else if (copied !== etag) stale++;
    else continue;
    if (samples.length < 2) samples.push(JSON.stringify(key));
  }
  for (const key of copy.keys()) if (!source.has(key)) extra++;
  if (missing + stale + extra === 0) return 'ok';
  return (
    [missing && `${missing} missing`, stale && `${stale} stale`, extra && `${extra} extra`]
      .filter(Boolean)
      .join(', ') + (samples.length ? ` (e.g. ${samples.join(', ')})` : '')
  );
}

// ------------------------------------------------------------------------------- the phases

interface Result {
  tool: string;
  phase: PhaseId;
  measured: Measured;
  counts: RequestCounts;
  s3Requests: number;
  otherRequests: number;
  check: string;
  versions: number;
}
const results: Result[] = [];
let productBaselineMiB: number | undefined;
const context: SyncContext = {
  endpoint: cloud.endpoint,
  sourceBucket: SOURCE_BUCKET,
  sourceRegion: SOURCE_REGION,
  destinationRegion: DESTINATION_REGION,
  workDir,
  repoRoot,
  timeoutMs,
};

function tail(text: string, lines = 6): string {
  return text.trim().split('\n').slice(-lines).join('\n    ');
}

try {
  const keys = objectKeys(objectCount);
  let started = performance.now();
  await sourceS3.send(new CreateBucketCommand({ Bucket: SOURCE_BUCKET }));
  await putAll(keys.map((key) => ({ key, body: objectBody(key, 0) })));
  for (const tool of tools) {
    await destinationS3.send(
      new CreateBucketCommand({
        Bucket: tool.destinationBucket,
        CreateBucketConfiguration: { LocationConstraint: DESTINATION_REGION },
      }),
    );
    await destinationS3.send(
      new PutBucketVersioningCommand({
        Bucket: tool.destinationBucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
  }
  for (const tool of runnable) await tool.prepare?.(context);
  if (runnable.some((tool) => tool.name.includes('(product)'))) {
    // The product's fixed cost: Node, tsx compiling the CLI, the SDK clients it loads.
    const help = await runMeasured(
      productNode(repoRoot),
      [join(repoRoot, 'bin', 'backupctl.js'), '--help'],
      { env: { PATH: process.env.PATH }, timeoutMs: 120_000, cwd: repoRoot },
    );
    productBaselineMiB = help.peakRssKiB === undefined ? undefined : help.peakRssKiB / 1024;
  }
  console.log(
    `source s3://${SOURCE_BUCKET} (${SOURCE_REGION}): ${objectCount} objects written in ` +
      `${((performance.now() - started) / 1000).toFixed(1)}s; destinations in ${DESTINATION_REGION}, versioned\n`,
  );

  for (const phase of PHASES) {
    if (phase.id === 'changed') {
      // Last-modified times have one-second resolution: make the rewrite strictly newer.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const changed = changes(keys, changedFraction);
      await putAll(changed);
      console.log(
        `rewrote ${changed.length} objects (${changed.filter((c) => c.sameSize).length} same size, ` +
          `${changed.filter((c) => !c.sameSize).length} new size)`,
      );
    }
    const source = await listing(sourceS3, SOURCE_BUCKET, '');
    for (const tool of runnable) {
      cloud.reset();
      started = performance.now();
      const measured = await tool.run(context, phase.id);
      const counts = cloud.counts();
      const s3Requests = counts.byService.s3 ?? 0;
      const check = compare(
        source,
        await listing(destinationS3, tool.destinationBucket, `${SOURCE_BUCKET}/`),
      );
      const versions = await versionCount(
        destinationS3,
        tool.destinationBucket,
        `${SOURCE_BUCKET}/`,
      );
      results.push({
        tool: tool.name,
        phase: phase.id,
        measured,
        counts,
        s3Requests,
        otherRequests: counts.total - s3Requests,
        check,
        versions,
      });
      console.log(
        `${phase.id.padEnd(8)} ${tool.name}: exit ${measured.exitCode}${measured.timedOut ? ' (timed out)' : ''}, ` +
          `${counts.total} requests, ${measured.wallSeconds.toFixed(1)}s, destination ${check}, ${versions} versions`,
      );
      if (measured.exitCode !== 0 || measured.timedOut)
        console.log(
          `    stderr: ${tail(measured.stderr) || '(empty)'}\n    stdout: ${tail(measured.stdout, 3)}`,
        );
    }
  }
} finally {
  await cloud.stop();
  await moto.stop();
  rmSync(workDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------- the report

const perObject = (requests: number) => (requests / objectCount).toFixed(4);
function topOperations(counts: RequestCounts, count = 6): string {
  return Object.entries(counts.byOperation)
    .filter(([operation]) => operation.startsWith('s3:'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([operation, n]) => `${operation.replace(/^s3:/, '')} ${n}`)
    .join(', ');
}
function otherServices(counts: RequestCounts): string {
  const others = Object.entries(counts.byService).filter(([service]) => service !== 's3');
  const total = others.reduce((sum, [, n]) => sum + n, 0);
  return total === 0 ? '0' : `${total} (${others.map(([s, n]) => `${s} ${n}`).join(', ')})`;
}
const rss = (result: Result) =>
  result.measured.peakRssKiB === undefined ? 'n/a' : Math.round(result.measured.peakRssKiB / 1024);

const listingPages = Math.ceil(objectCount / 1000);
const changedCount = changes(objectKeys(objectCount), changedFraction).length;
for (const phase of PHASES) {
  const rows = results.filter((result) => result.phase === phase.id);
  if (rows.length === 0) continue;
  console.log(`\n${phase.title}: ${objectCount} objects`);
  console.table(
    rows.map((row) => ({
      tool: row.tool,
      exit: row.measured.timedOut ? 'timeout' : row.measured.exitCode,
      'S3 requests': row.s3Requests,
      'S3 req/object': perObject(row.s3Requests),
      'S3 operations': topOperations(row.counts),
      'other services': otherServices(row.counts),
      'wall s': row.measured.wallSeconds.toFixed(1),
      'peak RSS MiB': rss(row),
      'dst = src': row.check,
      'dst versions': row.versions,
    })),
  );
}

const productName = tools.find((tool) => tool.name.includes('(product)'))?.name;
const product = (phase: PhaseId) =>
  results.find((result) => result.phase === phase && result.tool === productName);
console.log(
  '\nGoals (issue 4): no-change run ≤ the listing pages (about 2 per 1,000 objects: ' +
    `${2 * listingPages} for ${objectCount}, ${((2 * listingPages) / objectCount).toFixed(4)}/object); ` +
    'a changed object costs one copy request plus what verification needs ' +
    `(${changedCount} changed here: ≈ ${2 * listingPages} + ${changedCount} × (1 + verification)); ` +
    'peak memory to diff 1,000,000 keys < 100 MB (not measured here).',
);
if (productBaselineMiB !== undefined)
  console.log(
    `product process baseline (\`backupctl --help\`, Node + tsx + CLI imports): ${Math.round(productBaselineMiB)} MiB peak RSS`,
  );
if (!productName || tools.find((tool) => tool.name === productName)?.unavailable) {
  const reason = tools.find((tool) => tool.name === productName)?.unavailable;
  console.log(`product: ${reason ?? 'not selected (--tools)'}; no ratios`);
} else {
  for (const phaseId of ['nochange', 'changed'] as const) {
    const mine = product(phaseId);
    if (!mine) continue;
    const goal =
      phaseId === 'nochange'
        ? `goal ≤ ${2 * listingPages}`
        : `goal ≈ ${2 * listingPages} + ${changedCount} copies + verification`;
    console.log(
      `\n${phaseId}: product ${mine.s3Requests} S3 requests (${perObject(mine.s3Requests)}/object; ${goal}; ` +
        `CopyObject ${mine.counts.byOperation['s3:CopyObject'] ?? 0}, GetObject ${mine.counts.byOperation['s3:GetObject'] ?? 0}, ` +
        `HeadObject ${mine.counts.byOperation['s3:HeadObject'] ?? 0}), ${mine.measured.wallSeconds.toFixed(1)}s, ${rss(mine)} MiB`,
    );
    for (const peer of results.filter((r) => r.phase === phaseId && r.tool !== productName)) {
      const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`);
      console.log(
        `  vs ${peer.tool}: peer/product S3 requests ${ratio(peer.s3Requests, mine.s3Requests)}, ` +
          `wall ${ratio(peer.measured.wallSeconds, mine.measured.wallSeconds)}, ` +
          `peak RSS ${ratio(peer.measured.peakRssKiB ?? 0, mine.measured.peakRssKiB ?? 0)}`,
      );
    }
  }
}
