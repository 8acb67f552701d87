/**
 * Benchmark: the retention planner (issue 5's goal: 1,000,000 recovery points of one source
 * planned in under 2 s, linear-logarithmic; issue 10's: under 256 MB). A synthetic history — a
 * point about every minute and a half over two years, in random order (sorting is the n log n
 * part), 1% verified, 0.1% locked, a few still creating or with a malformed tag — is planned
 * with a GFS policy in a timezone with DST. Each size runs in its own child process so memory
 * numbers are not mixed: time of the best of a few runs; the heap the input holds, and the RSS
 * of the process holding it (Node's own baseline included) after a GC; the heap the plan holds
 * after a GC; peak RSS, and the planner's share of it (peak RSS less the RSS peak reached
 * before the first plan, i.e. with the input built). Prints a table; asserts nothing.
 *
 * RSS also holds V8's young generation, which grows with the heap's limit (4 GiB here);
 * `--semi-space 2` caps it (`--max-semi-space-size`), so the planner's share is nearer what it
 * allocates.
 *
 *   tsx bench/retention-planning.ts [--sizes 250000,500000,1000000] [--runs 3] [--timezone Europe/Berlin]
 *                                   [--semi-space MiB]
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
    'semi-space': { type: 'string' },
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
  baselineRssMiB: number;
  heapInputMiB: number;
  inputRssMiB: number;
  heapPlanMiB: number;
  peakRssMiB: number;
  plannerRssMiB: number;
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
        ...(values['semi-space'] ? [`--max-semi-space-size=${values['semi-space']}`] : []),
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
    `retention planning, one source, ${timezone}, rules ${JSON.stringify(rules)}, best of ${runs}` +
      (values['semi-space'] ? `, --max-semi-space-size=${values['semi-space']}` : ''),
  );
  console.table(
    rows.map((row) => ({
      points: row.points.toLocaleString('en-US'),
      'best ms': row.bestMs.toFixed(0),
      'median ms': row.medianMs.toFixed(0),
      'ns/point': row.nsPerPoint.toFixed(0),
      'ns/(n log2 n)': row.nsPerPointLog.toFixed(1),
      'baseline RSS MiB': row.baselineRssMiB.toFixed(0),
      'input heap MiB': row.heapInputMiB.toFixed(0),
      'input RSS MiB': row.inputRssMiB.toFixed(0),
      'plan heap MiB': row.heapPlanMiB.toFixed(0),
      'peak RSS MiB': row.peakRssMiB.toFixed(0),
      'planner share MiB': row.plannerRssMiB.toFixed(0),
      deleted: row.deleted.toLocaleString('en-US'),
    })),
  );
  const largest = rows.at(-1);
  if (largest) {
    console.log(
      `${largest.points.toLocaleString('en-US')} points: ${largest.bestMs.toFixed(0)} ms (goal < 2000 ms); ` +
        `peak RSS ${largest.peakRssMiB.toFixed(0)} MiB (goal < 256 MB = 244 MiB): the process with the ` +
        `input built ${largest.inputRssMiB.toFixed(0)} MiB (input heap ${largest.heapInputMiB.toFixed(0)} MiB, ` +
        `Node ${largest.baselineRssMiB.toFixed(0)} MiB), the planner's share ${largest.plannerRssMiB.toFixed(0)} MiB`,
    );
  }
}

function measure(size: number): Measurement {
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const peakRss = () => process.resourceUsage().maxRSS / 1024;
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const baselineRss = process.memoryUsage().rss / 2 ** 20;
  const points = syntheticHistory(size);
  collect();
  const heapInput = process.memoryUsage().heapUsed;
  const inputRss = process.memoryUsage().rss / 2 ** 20;
  const peakBeforePlanning = peakRss();
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
    baselineRssMiB: baselineRss,
    heapInputMiB: (heapInput - heapBefore) / 2 ** 20,
    inputRssMiB: inputRss,
    heapPlanMiB: (heapWithPlan - heapInput) / 2 ** 20,
    peakRssMiB: peakRss(),
    plannerRssMiB: peakRss() - peakBeforePlanning,
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
