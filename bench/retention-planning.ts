/**
 * Benchmark: the retention planner (issue 5's goal: 1,000,000 recovery points of one source
 * planned in under 2 s, linear-logarithmic). A synthetic history — a point about every minute
 * and a half over two years, in random order (sorting is the n log n part), 1% verified, 0.1%
 * locked, a few still creating or with a malformed tag — is planned with a GFS policy in a
 * timezone with DST. Each size runs in its own child process so memory numbers are not mixed:
 * time of the best of a few runs, the heap the plan holds after a GC, and peak RSS. Prints a
 * table; asserts nothing.
 *
 *   tsx bench/retention-planning.ts [--sizes 250000,500000,1000000] [--runs 3] [--timezone Europe/Berlin]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planRetention, type RetentionCandidate } from '../functions/core/retention-plan.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '250000,500000,1000000' },
    runs: { type: 'string', default: '3' },
    timezone: { type: 'string', default: 'Europe/Berlin' },
    child: { type: 'string' },
  },
});
const runs = Number(values.runs);
const timezone = values.timezone ?? 'Europe/Berlin';
const rules = { keepLast: 3, daily: 7, weekly: 4, monthly: 12, yearly: 2, maxAgeDays: 700 };
const now = new Date('2026-11-22T03:00:00Z');
const historyMs = 2 * 365 * 86_400_000;

interface Measurement {
  points: number;
  bestMs: number;
  medianMs: number;
  heapInputMiB: number;
  heapPlanMiB: number;
  peakRssMiB: number;
  deleted: number;
}

if (values.child) {
  process.stdout.write(JSON.stringify(measure(Number(values.child))));
} else {
  const rows: (Measurement & { nsPerPoint: number; nsPerPointLog: number })[] = [];
  for (const size of (values.sizes ?? '').split(',').map(Number)) {
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        '--expose-gc',
        '--max-old-space-size=4096',
        fileURLToPath(import.meta.url),
        '--child',
        String(size),
        '--runs',
        String(runs),
        '--timezone',
        timezone,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`child for ${size} failed: ${child.stderr}`);
    const measurement = JSON.parse(child.stdout) as Measurement;
    rows.push({
      ...measurement,
      nsPerPoint: (measurement.bestMs * 1e6) / size,
      nsPerPointLog: (measurement.bestMs * 1e6) / (size * Math.log2(size)),
    });
  }
  console.log(
    `retention planning, one source, ${timezone}, rules ${JSON.stringify(rules)}, best of ${runs}`,
  );
  console.table(
    rows.map((row) => ({
      points: row.points.toLocaleString('en-US'),
      'best ms': row.bestMs.toFixed(0),
      'median ms': row.medianMs.toFixed(0),
      'ns/point': row.nsPerPoint.toFixed(0),
      'ns/(n log2 n)': row.nsPerPointLog.toFixed(1),
      'input heap MiB': row.heapInputMiB.toFixed(0),
      'plan heap MiB': row.heapPlanMiB.toFixed(0),
      'peak RSS MiB': row.peakRssMiB.toFixed(0),
      deleted: row.deleted.toLocaleString('en-US'),
    })),
  );
  const largest = rows.at(-1);
  if (largest) {
    console.log(
      `${largest.points.toLocaleString('en-US')} points: ${largest.bestMs.toFixed(0)} ms (goal < 2000 ms)`,
    );
  }
}

function measure(size: number): Measurement {
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const points = syntheticHistory(size);
  collect();
  const heapInput = process.memoryUsage().heapUsed;
  const timings: number[] = [];
  let heapWithPlan = heapInput;
  let deleted = 0;
  for (let run = 0; run < runs; run++) {
    collect();
    const started = performance.now();
    const plan = planRetention({ points, rules, timezone, now, force: true });
    timings.push(performance.now() - started);
    collect();
    heapWithPlan = process.memoryUsage().heapUsed;
    // Read after the GC, so the plan is still alive when the heap is measured.
    deleted = plan.deleted;
  }
  timings.sort((a, b) => a - b);
  return {
    points: size,
    bestMs: timings[0] ?? 0,
    medianMs: timings[Math.floor(timings.length / 2)] ?? 0,
    heapInputMiB: (heapInput - heapBefore) / 2 ** 20,
    heapPlanMiB: (heapWithPlan - heapInput) / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    deleted,
  };
}

/** Evenly spread over two years before `now` with jitter, then shuffled (seeded, reproducible). */
function syntheticHistory(size: number): RetentionCandidate[] {
  let seed = 0x2f6b_1d3a;
  const random = () => {
    seed = (seed + 0x6d2b_79f5) | 0;
    let mixed = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const step = historyMs / size;
  const first = now.getTime() - historyMs;
  const points: RetentionCandidate[] = new Array<RetentionCandidate>(size);
  for (let index = 0; index < size; index++) {
    const roll = random();
    const createdAt = new Date(first + Math.floor((index + random()) * step)).toISOString();
    points[index] = {
      id: `snap-${index.toString(16).padStart(17, '0')}`,
      createdAt,
      state: index === size - 1 ? 'creating' : 'available',
      managedByUs: true,
      ...(roll < 0.01 ? { verified: true } : {}),
      ...(roll > 0.999 ? { locked: true } : {}),
      expiresAtTag: roll > 0.9999 ? 'soon' : 'never',
    };
  }
  for (let index = size - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [points[index], points[other]] = [points[other]!, points[index]!];
  }
  return points;
}
