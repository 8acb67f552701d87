/** The tables of bench/sync-bucket-memory.ts: peak RSS per key count and phase, and the slope. */
import type { ChildResult } from './handler-turns.js';

export interface PhaseRun {
  phase: 'first' | 'incremental';
  keys: number;
  child: ChildResult;
  seconds: number;
  /** Requests the test cloud counted during the phase, by `s3:Operation`. */
  requests: Record<string, number>;
  totals: { copied: number; kept: number; failed: number; verified: number };
  /** What the totals should be: a problem, or undefined when they are as expected. */
  problem: string | undefined;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const count = (value: number) => value.toLocaleString('en');

/** Least squares: MB per million keys. */
export function slope(points: readonly { keys: number; mb: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  const xs = points.map((p) => p.keys / 1e6);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((a, p) => a + p.mb, 0) / points.length;
  let num = 0;
  let den = 0;
  points.forEach((p, i) => {
    num += (xs[i]! - meanX) * (p.mb - meanY);
    den += (xs[i]! - meanX) ** 2;
  });
  return den === 0 ? undefined : num / den;
}

function requestSummary(requests: Record<string, number>): string {
  const of = (name: string) => requests[`s3:${name}`] ?? 0;
  const uploads =
    of('PutObject') +
    of('CreateMultipartUpload') +
    of('UploadPart') +
    of('CompleteMultipartUpload');
  return [
    `list ${count(of('ListObjectsV2'))}`,
    `head ${count(of('HeadObject'))}`,
    `copy ${count(of('CopyObject'))}`,
    `get ${count(of('GetObject'))}`,
    `put ${count(uploads)}`,
  ].join(', ');
}

export function printRun(run: PhaseRun): void {
  const { child } = run;
  const turnPeak = Math.max(...child.turns.map((t) => t.peakRssMb));
  const last = child.turns.at(-1)!;
  console.log(
    `  ${run.phase.padEnd(11)} ${count(run.keys).padStart(9)} keys: peak RSS ${fixed(child.maxRssMb)} MB ` +
      `(after load ${fixed(child.startRssMb)}, sampled turn peak ${fixed(turnPeak)}), ` +
      `${child.turns.length} turns, ${fixed(run.seconds, 0)} s; last turn heap ${fixed(last.heapUsedMb)} MB, ` +
      `external ${fixed(last.externalMb)} MB; copied ${count(run.totals.copied)}, kept ${count(run.totals.kept)}, ` +
      `verified ${count(run.totals.verified)}, failed ${count(run.totals.failed)}; requests: ${requestSummary(run.requests)}` +
      (run.problem ? `\n    UNEXPECTED: ${run.problem}` : ''),
  );
}

export function printTurns(run: PhaseRun): void {
  for (const turn of run.child.turns) {
    console.log(
      `    turn ${String(turn.turn).padStart(3)}: ${fixed(turn.seconds)} s, settled ${count(turn.settled)}, ` +
        `peak RSS ${fixed(turn.peakRssMb)}, heap total ${fixed(turn.peakHeapTotalMb)}, external ${fixed(turn.peakExternalMb)}; ` +
        `at the end RSS ${fixed(turn.rssMb)}, heap ${fixed(turn.heapUsedMb)}/${fixed(turn.heapTotalMb)}, ` +
        `external ${fixed(turn.externalMb)}, array buffers ${fixed(turn.arrayBuffersMb)}, ${turn.sockets} sockets, spaces ` +
        Object.entries(turn.spacesMb)
          .map(([name, mb]) => `${name} ${fixed(mb)}`)
          .join(' ') +
        ' (MB)',
    );
  }
}

/** The summary table and each phase's slope. */
export function printSummary(runs: readonly PhaseRun[], goalMb: number): void {
  const keyCounts = [...new Set(runs.map((r) => r.keys))].sort((a, b) => a - b);
  const phases = (['first', 'incremental'] as const).filter((p) => runs.some((r) => r.phase === p));
  console.log('\npeak RSS of the SyncBucket process (MB, getrusage maxRSS)');
  console.log(
    [
      'keys'.padStart(10),
      ...phases.map((p) => (p === 'first' ? 'first copy' : 'incremental 1%').padStart(15)),
    ].join(' '),
  );
  for (const keys of keyCounts) {
    const cells = phases.map((phase) => {
      const run = runs.find((r) => r.keys === keys && r.phase === phase);
      return (run ? fixed(run.child.maxRssMb) : '-').padStart(15);
    });
    console.log([count(keys).padStart(10), ...cells].join(' '));
  }
  for (const phase of phases) {
    const points = runs
      .filter((r) => r.phase === phase)
      .map((r) => ({ keys: r.keys, mb: r.child.maxRssMb }));
    const fitted = slope(points);
    const peak = Math.max(...points.map((p) => p.mb));
    const atMillion = points.find((p) => p.keys === 1_000_000)?.mb;
    console.log(
      `  ${phase}: slope ${fitted === undefined ? 'n/a (one size)' : `${fixed(fitted, 2)} MB per million keys`}; ` +
        `highest peak ${fixed(peak)} MB` +
        (atMillion === undefined
          ? ''
          : `; 1M keys ${fixed(atMillion)} MB (goal < ${goalMb} MB: ${atMillion < goalMb ? 'met' : 'NOT met'})`),
    );
  }
}
