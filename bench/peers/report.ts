/**
 * The bucket-sync benchmark's report: one table per phase, then the product against the
 * goals of issue 4 and, per phase, each peer's ratio to the product; then requests per
 * unchanged and per changed object (small, same bytes, multipart) for every tool, and the
 * product's against each peer's (issue 10, goal 5).
 */
import type { RequestCounts } from '../../emulator/index.js';
import type { Measured } from './measure.js';
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

/** How many objects the bucket holds and each changing phase rewrote. */
export interface PhaseSizes {
  objects: number;
  /** By phase id: `changed` (small, new bytes), `touched` (same bytes), `changed-large`. */
  changed: Record<string, number>;
  partsPerLarge: number;
}

export interface ReportInput {
  phases: readonly { id: string; title: string }[];
  tools: readonly SyncTool[];
  results: readonly Result[];
  sizes: PhaseSizes;
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
  printPerObject(input, productName);
}

function printPhaseTable(input: ReportInput, phase: { id: string; title: string }): void {
  const rows = input.results.filter((result) => result.phase === phase.id);
  if (rows.length === 0) return;
  console.log(`\n${phase.title}: ${input.sizes.objects} objects`);
  console.table(
    rows.map((row) => ({
      tool: row.tool,
      exit: row.measured.timedOut ? 'timeout' : row.measured.exitCode,
      'S3 requests': row.s3Requests,
      'S3 req/object': perObject(row.s3Requests, input.sizes.objects),
      'S3 operations': topOperations(row.counts),
      'other services': otherServices(row.counts),
      'wall s': row.measured.wallSeconds.toFixed(1),
      'peak RSS MiB': rss(row),
      'dst = src': row.check,
      'dst versions': row.versions,
    })),
  );
}

function printGoals({ sizes, productBaselineMiB }: ReportInput): void {
  const objectCount = sizes.objects;
  const { listingPages, changedCount } = expected(sizes);
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
  const { results } = input;
  const objectCount = input.sizes.objects;
  const mine = results.find((result) => result.phase === phaseId && result.tool === productName);
  if (!mine) return;
  const { listingPages, changedCount } = expected(input.sizes);
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
function expected(sizes: PhaseSizes): { listingPages: number; changedCount: number } {
  return {
    listingPages: Math.ceil(sizes.objects / 1000),
    changedCount: sizes.changed.changed ?? 0,
  };
}

/** The changing phases, as the per-object table names them. */
const PER_OBJECT_PHASES = [
  { id: 'changed', label: 'changed small' },
  { id: 'touched', label: 'same bytes, newer' },
  { id: 'changed-large', label: 'changed multipart' },
] as const;

/**
 * Requests per object: a no-change run's over every object, and each changing phase's beyond
 * the no-change run (its listing and fixed costs) over the objects it rewrote; then the
 * product's figure over each peer's.
 */
function printPerObject(input: ReportInput, productName: string): void {
  const { results, sizes } = input;
  const of = (tool: string, phase: string) =>
    results.find((result) => result.tool === tool && result.phase === phase);
  const figures = new Map<string, Record<string, number | undefined>>();
  // A figure of a phase after which the tool's copy differs from the source says so.
  const cells = new Map<string, Record<string, string>>();
  for (const tool of new Set(results.map((result) => result.tool))) {
    const cell: Record<string, string> = {};
    const baseline = of(tool, 'nochange')?.s3Requests;
    const row: Record<string, number | undefined> = {
      unchanged: baseline === undefined ? undefined : baseline / sizes.objects,
    };
    for (const phase of PER_OBJECT_PHASES) {
      const changed = of(tool, phase.id)?.s3Requests;
      const count = sizes.changed[phase.id] ?? 0;
      row[phase.label] =
        changed === undefined || baseline === undefined || count === 0
          ? undefined
          : (changed - baseline) / count;
      const check = of(tool, phase.id)?.check ?? 'ok';
      cell[phase.label] =
        fixed(row[phase.label]) + (check === 'ok' ? '' : ` (dst: ${check.split(' (')[0]})`);
    }
    figures.set(tool, row);
    cells.set(tool, { unchanged: fixed(row.unchanged), ...cell });
  }
  console.log(
    `\nS3 requests per object (issue 10, goal 5): unchanged = a no-change run over ${sizes.objects} ` +
      `objects; the others = a phase's requests beyond the no-change run's, per object it ` +
      `rewrote (${PER_OBJECT_PHASES.map((p) => `${sizes.changed[p.id] ?? 0} ${p.label}`).join(', ')}; ` +
      `${sizes.partsPerLarge} parts each when multipart)`,
  );
  console.table([...cells].map(([tool, row]) => ({ tool, ...row })));
  const mine = figures.get(productName) ?? {};
  const peers = [...figures].filter(([tool]) => tool !== productName);
  if (peers.length === 0) return;
  console.log('product ÷ peer (below 1: the product needs fewer requests)');
  console.table(
    peers.map(([tool, row]) => ({
      'product ÷': tool,
      ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, ratioOf(mine[k], v)])),
    })),
  );
}

function fixed(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toFixed(value < 0.1 ? 4 : 2);
}

function ratioOf(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return 'n/a';
  if (b === 0) return a === 0 ? '=' : '∞';
  return `${(a / b).toFixed(2)}x`;
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
