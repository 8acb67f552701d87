/**
 * The bucket-sync benchmark's report: one table per phase, then the product against the
 * goals of issue 4 and, per phase, each peer's ratio to the product.
 */
import type { RequestCounts } from '../../emulator/index.js';
import type { Measured } from './measure.js';
import { changes, objectKeys } from './objects.js';
import type { SyncTool } from './tools.js';

/** One tool's sync in one phase. */
export interface Result {
  tool: string;
  phase: string;
  measured: Measured;
  counts: RequestCounts;
  s3Requests: number;
  otherRequests: number;
  /** "ok" or how the destination differs from the source. */
  check: string;
  versions: number;
}

export interface ReportInput {
  phases: readonly { id: string; title: string }[];
  tools: readonly SyncTool[];
  results: readonly Result[];
  objectCount: number;
  changedFraction: number;
  /** Peak RSS of `backupctl --help`, when measured. */
  productBaselineMiB: number | undefined;
}

export function printReport(input: ReportInput): void {
  for (const phase of input.phases) printPhaseTable(input, phase);
  printGoals(input);
  const productName = input.tools.find((tool) => tool.name.includes('(product)'))?.name;
  if (!productName || input.tools.find((tool) => tool.name === productName)?.unavailable) {
    const reason = input.tools.find((tool) => tool.name === productName)?.unavailable;
    console.log(`product: ${reason ?? 'not selected (--tools)'}; no ratios`);
    return;
  }
  for (const phaseId of ['nochange', 'changed'] as const)
    printProductAndPeers(input, phaseId, productName);
}

function printPhaseTable(input: ReportInput, phase: { id: string; title: string }): void {
  const rows = input.results.filter((result) => result.phase === phase.id);
  if (rows.length === 0) return;
  console.log(`\n${phase.title}: ${input.objectCount} objects`);
  console.table(
    rows.map((row) => ({
      tool: row.tool,
      exit: row.measured.timedOut ? 'timeout' : row.measured.exitCode,
      'S3 requests': row.s3Requests,
      'S3 req/object': perObject(row.s3Requests, input.objectCount),
      'S3 operations': topOperations(row.counts),
      'other services': otherServices(row.counts),
      'wall s': row.measured.wallSeconds.toFixed(1),
      'peak RSS MiB': rss(row),
      'dst = src': row.check,
      'dst versions': row.versions,
    })),
  );
}

function printGoals({ objectCount, changedFraction, productBaselineMiB }: ReportInput): void {
  const { listingPages, changedCount } = expected(objectCount, changedFraction);
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
}

function printProductAndPeers(
  input: ReportInput,
  phaseId: 'nochange' | 'changed',
  productName: string,
): void {
  const { results, objectCount } = input;
  const mine = results.find((result) => result.phase === phaseId && result.tool === productName);
  if (!mine) return;
  const { listingPages, changedCount } = expected(objectCount, input.changedFraction);
  const goal =
    phaseId === 'nochange'
      ? `goal ≤ ${2 * listingPages}`
      : `goal ≈ ${2 * listingPages} + ${changedCount} copies + verification`;
  console.log(
    `\n${phaseId}: product ${mine.s3Requests} S3 requests (${perObject(mine.s3Requests, objectCount)}/object; ${goal}; ` +
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

/** Listing pages (per 1,000 objects) and changed objects the goals are measured against. */
function expected(
  objectCount: number,
  changedFraction: number,
): { listingPages: number; changedCount: number } {
  return {
    listingPages: Math.ceil(objectCount / 1000),
    changedCount: changes(objectKeys(objectCount), changedFraction).length,
  };
}

function perObject(requests: number, objectCount: number): string {
  return (requests / objectCount).toFixed(4);
}

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

function rss(result: Result): number | 'n/a' {
  return result.measured.peakRssKiB === undefined
    ? 'n/a'
    : Math.round(result.measured.peakRssKiB / 1024);
}
