/**
 * Scale on paper (docs/scale.md, issue 10 goal 6): reads the Inputs table of docs/scale.md,
 * computes one day and one month of the deployment it describes, and prints the Results section;
 * with --write it replaces that section of docs/scale.md. Every number comes from an input id;
 * docs/scale.md §3 explains the formulas.
 *
 *   npm run scale [-- --write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { format } from 'prettier';

const docFile = new URL('../docs/scale.md', import.meta.url);
const inputMarkers = ['<!-- scale:inputs:start -->', '<!-- scale:inputs:end -->'] as const;
const resultMarkers = ['<!-- scale:results:start -->', '<!-- scale:results:end -->'] as const;

/** An input's value by its id in the Inputs table. */
type Inputs = (id: string) => number;

function fail(message: string): never {
  throw new Error(`docs/scale.md: ${message}`);
}

function section(doc: string, [start, end]: readonly [string, string]): [number, number] {
  const [from, to] = [doc.indexOf(start), doc.indexOf(end)];
  return from < 0 || to < from ? fail(`no ${start} … ${end}`) : [from + start.length, to];
}

/** The Inputs table: rows whose first cell is a backticked id and whose second is a number. */
function readInputs(doc: string): Inputs {
  const [from, to] = section(doc, inputMarkers);
  const values = new Map<string, number>();
  for (const line of doc.slice(from, to).split('\n')) {
    const match = /^\|\s*`([\w.]+)`\s*\|\s*(-?[\d,]*\.?\d+)\s*\|/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]!.replaceAll(',', '')));
  }
  return (id) => values.get(id) ?? fail(`no input ${id}`);
}

// ------------------------------------------------------------------------------ poll loops

/** first wait, growth per poll, longest wait (functions/core/poll-loop.ts) */
type Schedule = [first: number, growth: number, max: number];

/** A loop's turns, numbered from 1: the first at 0 s, then each wait `first + (growth − 1) × waited`. */
function* turnTimes([first, growth, max]: Schedule): Generator<[turn: number, at: number]> {
  let at = 0;
  for (let turn = 1; ; turn += 1) {
    yield [turn, at];
    at += Math.max(1, Math.min(max, Math.round(first + (growth - 1) * at)));
  }
}

/** Turns a loop takes to see a completion `pending` s after its start, and when it sees it. */
function loopUntil(pending: number, schedule: Schedule): { turns: number; seenAt: number } {
  for (const [turns, at] of turnTimes(schedule)) if (at >= pending) return { turns, seenAt: at };
  throw new Error('unreachable');
}

/** A copy phase: `items` copies of `pending` s, at most `slots` at once; a turn starts, then reads. */
function copyPhase(items: number, slots: number, pending: number, schedule: Schedule) {
  const finishes: number[] = [];
  for (const [turns, at] of turnTimes(schedule)) {
    const running = finishes.filter((finish) => finish > at).length;
    const start = Math.min(slots - running, items - finishes.length);
    for (let copy = 0; copy < start; copy += 1) finishes.push(at + pending);
    if (finishes.length === items && finishes.every((finish) => finish <= at)) return { turns, at };
  }
  throw new Error('unreachable');
}

// --------------------------------------------------------------------------- the workflows

const workKeys = ['transitions', 'invocations', 'gbSeconds', 'children', 'logBytes'] as const;
/** One day of one part of the work, across the fleet. */
type Work = Record<(typeof workKeys)[number], number>;

/** A day's Work from its counts; the log bytes follow from them (docs/scale.md §3.6). */
function work(i: Inputs, counts: readonly number[], stateBytes: number): Work {
  const [transitions = 0, invocations = 0, gbSeconds = 0, children = 0] = counts;
  const perTransition = i('log.payloadCopies') * stateBytes + i('log.envelopeBytes');
  const logBytes = transitions * perTransition + invocations * i('log.lambdaBytesPerInvocation');
  return { transitions, invocations, gbSeconds, children, logBytes };
}

/** The transitions bench's rows as per-unit figures (docs/scale.md §3.1). */
function benchFigures(i: Inputs) {
  const [batches, held] = [i('bench.volumes') / i('code.batchSize'), i('bench.heldPolls6h')];
  const fixed = i('test.runFixedTransitions');
  const idlePerBatch = (i('bench.transitionsIdle') - fixed) / batches;
  // Each pending poll adds one turn to both loops (snapshot, copy) of every batch.
  const perTurn = (i('bench.transitions6h') - i('bench.transitionsIdle')) / (batches * 2 * held);
  const describes = i('bench.describesPerVolume6h') - i('bench.describesPerVolumeIdle');
  const describesPerTurn = (describes * i('bench.volumes')) / (batches * 2 * held);
  const idleTurns = 1 + Math.ceil(i('code.batchSize') / i('limit.ebsCopiesInFlight'));
  // The idle and 6 h rows define the model; the 10-minute row checks it (docs/scale.md §3.1).
  const at10m = fixed + batches * (idlePerBatch + perTurn * 2 * i('bench.heldPolls10m'));
  if (at10m !== i('bench.transitions10m')) fail('bench.transitions10m is off the model');
  return { fixed, idlePerBatch, perTurn, describesPerTurn, idleTurns };
}

function schedule(i: Inputs, max = i('code.maxPollSeconds')): Schedule {
  return [i('code.firstPollSeconds'), i('code.pollGrowth'), max];
}

/** One volume batch: a snapshot loop, a copy loop sharing the region's slots, a record step. */
function volumeBatch(i: Inputs, slots: number, pending: number, copyPending: number) {
  const bench = benchFigures(i);
  const [size, dr] = [i('code.batchSize'), i('fleet.drRegions')];
  const snap = loopUntil(pending, schedule(i));
  const copy = copyPhase(size * dr, slots, copyPending, schedule(i));
  const turns = snap.turns + copy.turns;
  const starts =
    size / i('code.createSnapshotsPerSecond') + (size * dr) / i('code.copySnapshotsPerSecond');
  const [extra, record] = [turns - bench.idleTurns, i('dur.recordSeconds')];
  return {
    transitions: bench.idlePerBatch + bench.perTurn * extra,
    invocations: turns + 1,
    seconds: turns * i('dur.pollTurnSeconds') + starts + record,
    wall: starts + snap.seenAt + copy.at + record,
    describes: i('bench.describesPerVolumeIdle') * size + bench.describesPerTurn * extra,
  };
}

/** One image batch: image loop, copy loop, one export turn (exports off), record step. */
function imageBatch(i: Inputs) {
  const size = i('code.imageBatchSize');
  const image = loopUntil(i('time.imagePendingSeconds'), schedule(i));
  const copy = loopUntil(i('time.imageCopyPendingSeconds'), schedule(i));
  const turns = image.turns + copy.turns + 1;
  const starts = size / i('code.createImagesPerSecond') + size / i('code.copyImagesPerSecond');
  const transitions = i('probe.imageBatchIdleTransitions') + benchFigures(i).perTurn * (turns - 3);
  const seconds = turns * i('dur.pollTurnSeconds') + starts + i('dur.recordImagesSeconds');
  return { turns, transitions, invocations: turns + 1, seconds };
}

/** Policies needed for each run's largest payload (the Parallel output) to fit in 256 KiB. */
function policiesNeeded(i: Inputs): number {
  const volumes = i('probe.resultBytesPerVolume') * i('fleet.volumes');
  const bytes = volumes + i('probe.resultBytesPerInstance') * i('fleet.instances');
  return Math.ceil(bytes / (i('limit.statePayloadBytes') - i('probe.resultBytesFixed')));
}

function backupWork(i: Inputs, p: number) {
  const gb = i('code.memDefaultMb') / 1024;
  const slots = Math.floor(i('limit.ebsCopiesInFlight') / i('code.volumeMapConcurrency'));
  const vb = volumeBatch(i, slots, i('time.snapshotPendingSeconds'), i('time.copyPendingSeconds'));
  const ib = imageBatch(i);
  const volumeBatches = p * Math.ceil(i('fleet.volumes') / p / i('code.batchSize'));
  const imageBatches = p * Math.ceil(i('fleet.instances') / p / i('code.imageBatchSize'));
  const batches = (n: number, b: typeof ib | typeof vb, bytes: number) =>
    work(i, [n * b.transitions, n * b.invocations, n * b.seconds * gb, n], bytes);
  const runSeconds = i('dur.discoverSeconds') + i('dur.bucketFixedSeconds');
  const runCounts = [p * i('test.runFixedTransitions'), p * 4, p * runSeconds * gb];
  const runs = work(i, runCounts, i('log.otherStateBytes'));
  const volumes = batches(volumeBatches, vb, i('probe.volumeStateBytes'));
  const images = batches(imageBatches, ib, i('probe.imageStateBytes'));
  const waves = Math.ceil(
    i('fleet.volumes') / i('code.batchSize') / i('code.volumeMapConcurrency'),
  );
  const oneRun = waves * vb.wall;
  return { vb, ib, slots, volumeBatches, imageBatches, runs, volumes, images, oneRun };
}

function bucketWork(i: Inputs) {
  const keys = i('fleet.bucketObjects');
  const changed = keys * i('fleet.changedFraction');
  const ranges = Math.min(i('code.maxRanges'), Math.ceil(keys / i('code.objectsPerRange')));
  const lists = (keys / 1000) * i('s3.listPerThousandKeys');
  const copying = (changed / ranges) * i('dur.s3ChangedObjectSeconds');
  const listing = (lists / ranges) * i('dur.s3ListPageSeconds');
  const rangeSeconds = listing + copying / i('code.syncConcurrency');
  const turns = Math.ceil(rangeSeconds / i('code.syncTurnSeconds'));
  const parts = Math.ceil(keys / i('code.objectsPerPart'));
  const [heads, copies] = [changed * i('s3.headPerChanged'), changed * i('s3.copyPerChanged')];
  const gbSeconds = ranges * rangeSeconds * (i('code.memSyncBucketMb') / 1024);
  const counts = [ranges * (2 * turns + 1), ranges * turns, gbSeconds, ranges];
  const result = work(i, counts, i('log.otherStateBytes'));
  const wall = Math.ceil(ranges / i('code.bucketMapConcurrency')) * rangeSeconds;
  return { keys, changed, ranges, rangeSeconds, turns, wall, lists, parts, heads, copies, result };
}

function restoreWork(i: Inputs, p: number) {
  const perRun = Math.ceil(i('fleet.restoreTestsPerDay') / p);
  const batches = Math.ceil(perRun / i('code.restoreBatchSize'));
  const restoreSchedule = schedule(i, i('code.restoreMaxPollSeconds'));
  const { turns } = loopUntil(i('time.restoreVerdictSeconds'), restoreSchedule);
  const perBatch = turns * i('dur.restoreTurnSeconds') + 2;
  const seconds = p * (i('dur.restoreFixedSeconds') + batches * perBatch);
  const gbSeconds = (seconds * i('code.memDefaultMb')) / 1024;
  const counts = [p * (4 + batches * 3 * turns), p * (3 + batches * (turns + 1)), gbSeconds];
  return { batches, turns, work: work(i, [...counts, p * batches], i('log.otherStateBytes')) };
}

function pruneWork(i: Inputs, p: number) {
  const regions = 1 + i('fleet.drRegions');
  // Steady state: each region deletes what a day made (volumes, images and their snapshots).
  const made = i('fleet.volumes') + i('fleet.instances') * (1 + i('fleet.volumesPerInstance'));
  const surveyPages = (made * i('fleet.pointsKeptPerSource')) / p / 1000;
  const survey = surveyPages * i('dur.surveyPageSeconds');
  const rate = Math.min(1 / i('dur.deleteSeconds'), i('ec2.deleteSnapshotRefill'));
  const deleting = made / p / rate;
  const turns = Math.max(1, Math.ceil(deleting / (i('code.pruneTurnSeconds') - survey)));
  const seconds = p * regions * (turns * survey + deleting);
  const gbSeconds = (seconds * i('code.memPruneRegionMb')) / 1024;
  const counts = [p * (3 + regions * 3 * turns), p * (2 + regions * turns), gbSeconds];
  const describes = p * regions * turns * surveyPages;
  return { regions, turns, made, describes, work: work(i, counts, i('log.otherStateBytes')) };
}

function model(i: Inputs) {
  const policies = policiesNeeded(i);
  const backup = backupWork(i, policies);
  const bucket = bucketWork(i);
  const restore = restoreWork(i, policies);
  const prune = pruneWork(i, policies);
  const parts: [string, Work][] = [
    ['backup: volume batches', backup.volumes],
    ['backup: image batches', backup.images],
    ['backup: bucket ranges', bucket.result],
    ['backup: the rest of each run', backup.runs],
    ['restore test', restore.work],
    ['prune', prune.work],
  ];
  const total = work(i, [], 0);
  for (const key of workKeys) total[key] = parts.reduce((sum, [, part]) => sum + part[key], 0);
  return { i, policies, backup, bucket, restore, prune, parts, total };
}
type Model = ReturnType<typeof model>;

// ------------------------------------------------------------------------------ rendering

const num = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits });
const usd = (value: number) => `$${value.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
const time = (s: number) => (s >= 172_800 ? `${num(s / 86_400, 1)} days` : `${num(s / 3600, 1)} h`);

/** A markdown table; each row is its cells joined by ` | `. */
function table(head: string, rows: string[]): string {
  const rule = head.split(' | ').map(() => '---');
  return [head, rule.join(' | '), ...rows].map((row) => `| ${row} |`).join('\n');
}

function perWorkflow(m: Model): string {
  const days = m.i('fleet.daysPerMonth');
  const row = ([name, w]: readonly [string, Work]) =>
    `${name} | ${num(w.children)} | ${num(w.transitions)} | ${num(w.transitions * days)} | ${num(w.invocations)} | ${num(w.gbSeconds)} | ${num(w.logBytes / 1e6, 1)}`;
  const head = 'part | Map children | transitions | transitions/month | Lambda invocations';
  return table(`${head} | GB-s | logs, MB`, [...m.parts, ['**total**', m.total] as const].map(row));
}

function mapLimits(m: Model): string {
  const { i, policies: p, backup: b, bucket: r, restore, prune } = m;
  const kib = (bytes: number) =>
    `${num(bytes / 1024)} KiB = ${num(bytes / i('limit.statePayloadBytes'), 2)}× 256 KiB`;
  const row = (name: string, one: number, each: number, kind: string, bytes: number) =>
    `${name} | ${num(one)} | ${num(each)} | ${i(`code.${kind}MapConcurrency`)} | ${kib(bytes)}`;
  const [v, n, rangeBytes] = [i('fleet.volumes'), i('fleet.instances'), i('code.rangeResultBytes')];
  const vBytes = v * i('probe.resultBytesPerVolume');
  const iBytes = n * i('probe.resultBytesPerInstance');
  const head = `Map | children, one run of all | children per run, ${p} policies | MaxConcurrency`;
  return table(`${head} | results in one payload, one run of all`, [
    row('BackupVolumeBatches', v / i('code.batchSize'), b.volumeBatches / p, 'volume', vBytes),
    row('BackupImageBatches', n / i('code.imageBatchSize'), b.imageBatches / p, 'image', iBytes),
    row('BackupBucketRanges', r.ranges, r.ranges, 'bucket', r.ranges * rangeBytes),
    `TestImageBatches | ${Math.ceil(i('fleet.restoreTestsPerDay') / 5)} | ${restore.batches} | 2 | small`,
    `PruneRegions (INLINE) | ${prune.regions} | ${prune.regions} | 4 | small`,
  ]);
}

/** Whether a burst of `calls` at `rate`/s fits a token bucket of `size` refilled at `refill`/s. */
function verdict(rate: number, calls: number, size: number, refill: number): string {
  if (rate <= refill) return 'within the refill rate';
  if (calls * (1 - refill / rate) <= size) return `burst of ${num(calls)} absorbed`;
  return `throttled ${num(size / (rate - refill), 1)} s into a burst of ${num(calls)}`;
}

function ec2Rates(m: Model): string {
  const { i, policies: p, backup: b, prune } = m;
  const [v, n, dr] = [i('fleet.volumes'), i('fleet.instances'), i('fleet.drRegions')];
  const [vw, iw] = [i('code.volumeMapConcurrency'), i('code.imageMapConcurrency')];
  const batch = iw * i('code.imageBatchSize'); // instances being imaged at once
  const [tags, dep] = [i('probe.createTagsPerInstance'), i('probe.deprecationsPerInstance')];
  const record = (calls: number) => (batch * calls) / i('dur.recordImagesSeconds');
  const poll = (workers: number) => workers / i('dur.pollTurnSeconds');
  const describes = b.volumeBatches * b.vb.describes + prune.describes;
  const [create, copy] = [i('code.createSnapshotsPerSecond'), i('code.copySnapshotsPerSecond')];
  const del = 1 / i('dur.deleteSeconds');
  // API, token bucket, requests/day, rate one run asks, calls in its burst, grows with runs
  const rows: [string, string, number, number, number, boolean][] = [
    ['CreateSnapshot', 'createSnapshot', v, vw * create, vw * i('code.batchSize'), true],
    ['CopySnapshot', 'mutating', v * dr, vw * copy, i('limit.ebsCopiesInFlight'), false],
    ['DescribeSnapshots (filtered)', 'nonMutating', describes, poll(vw) * 3, vw * 3, true],
    ['CreateImage', 'mutating', n, iw * i('code.createImagesPerSecond'), batch, true],
    ['CopyImage', 'copyImage', n * dr, iw * i('code.copyImagesPerSecond'), batch * dr, true],
    ['DescribeImages', 'nonMutating', b.imageBatches * b.ib.turns, poll(iw), iw, true],
    ['CreateTags', 'createTags', n * tags, record(tags), batch * tags, true],
    ['EnableImageDeprecation', 'mutating', n * dep, record(dep), batch * dep, true],
    ['DeleteSnapshot, DeregisterImage', 'deleteSnapshot', prune.made, del, prune.made / p, true],
    ['RunInstances (restore tests)', 'runInstances', i('fleet.restoreTestsPerDay'), 2, 10, false],
  ];
  const cells = ([api, key, perDay, rate, calls, grows]: (typeof rows)[number]) => {
    const [size, refill] = [i(`ec2.${key}Bucket`), i(`ec2.${key}Refill`)];
    const [all, allCalls] = grows ? [rate * p, calls * p] : [rate, calls];
    const [one, every] = [verdict(rate, calls, size, refill), verdict(all, allCalls, size, refill)];
    return `${api} | ${size} / ${refill} | ${num(perDay)} | ${num(rate, 1)}/s | ${one} | ${num(all, 1)}/s | ${every}`;
  };
  const head = 'API | bucket size / refill per s | requests/day | asked, one run | one run';
  return table(`${head} | asked, ${p} runs at once | ${p} runs at once`, rows.map(cells));
}

/** The volume run's length: as one run, as P runs at once, and as the pending times vary. */
function runLength(m: Model): string {
  const { i, policies: p, backup: b } = m;
  const [v, copy] = [i('fleet.volumes'), i('time.copyPendingSeconds')];
  const slots = i('limit.ebsCopiesInFlight');
  const [conc, size] = [i('code.volumeMapConcurrency'), i('code.batchSize')];
  const waves = Math.ceil(v / size / conc);
  const one = (pending: number) => waves * volumeBatch(i, b.slots, pending, pending).wall;
  const asked = conc * i('code.createSnapshotsPerSecond');
  return table('case | time', [
    `CreateSnapshot calls alone, at ${asked}/s | ${time(v / asked)}`,
    `the DR copies alone: volumes × copy time ÷ ${slots} in flight | ${time((v * copy) / slots)}`,
    `the copy time at which the DR copies alone take 24 h | ${num((86_400 * slots) / v)} s`,
    `one run of all: ${waves} waves, ${num(b.vb.wall / 60)} min each | ${time(b.oneRun)}`,
    ...[60, 300, 1800].map((s) => `… snapshots and copies pending ${s / 60} min | ${time(one(s))}`),
    `${p} runs at once: one batch's copy phase (maxWaitSeconds ${time(i('code.maxWaitSeconds'))}) | ${time((size * copy * p * conc) / slots)}`,
  ]);
}

function s3Day(m: Model): string {
  const { i, bucket: b } = m;
  const [one, two] = [i('price.s3TierOnePerThousand'), i('price.s3TierTwoPerThousand')];
  const rows: [string, number, number][] = [
    ['ListObjectsV2 (source and backup listings)', b.lists, one],
    ['CopyObject (changed objects)', b.copies, one],
    ['HeadObject (checksums of changed objects)', b.heads, two],
    ['PutObject (manifest parts)', b.parts, one],
    ["GetObject (the previous run's parts)", b.parts, two],
  ];
  const cost = rows.map(([, count, price]) => (count * price) / 1000);
  const requests = rows.map(([name, count], k) => `${name} | ${num(count)} | ${usd(cost[k]!)}`);
  const total = `**total** | | ${usd(cost.reduce((sum, c) => sum + c, 0))}`;
  return `${table('request | per day | USD/day', [...requests, total])}\n\nSyncBucket: ${b.ranges} \
ranges of ${num(b.keys / b.ranges)} keys with ${num(b.changed / b.ranges)} changed objects each; \
${num(b.rangeSeconds)} s of Lambda per range in ${b.turns} turns; \
${num((b.rangeSeconds * b.ranges) / 3600, 1)} h = ${num(b.result.gbSeconds)} GB-s of Lambda a day; \
${time(b.wall)} of wall time with ${i('code.bucketMapConcurrency')} ranges at once.`;
}

function monthlyCost(m: Model): { text: string; total: number } {
  const { i, total: t, bucket: b } = m;
  const days = i('fleet.daysPerMonth');
  const [one, two] = [i('price.s3TierOnePerThousand'), i('price.s3TierTwoPerThousand')];
  const s3 = ((b.lists + b.copies + b.parts) * one + (b.heads + b.parts) * two) / 1000;
  const writes = 2 * (i('fleet.volumes') + i('fleet.instances')) * (1 + i('fleet.drRegions'));
  const metrics = m.policies * i('code.metricsPerPolicy');
  const line = (name: string, perDay: number, id: string, per: number, unit: string, of = unit) => {
    const [count, price] = [`${num(perDay * days)} ${unit}`, `${i(id)} per ${num(per)} ${of}`];
    return [name, count, price.replace(' per 1 ', ' per '), (perDay * days * i(id)) / per] as const;
  };
  const rows = [
    line('Step Functions', t.transitions, 'price.sfnPerThousandTransitions', 1e3, 'transitions'),
    line('Lambda requests', t.invocations, 'price.lambdaPerMillionRequests', 1e6, 'requests'),
    line('Lambda duration (Arm)', t.gbSeconds, 'price.lambdaArmPerGbSecond', 1, 'GB-s'),
    ['S3 requests (the bucket copy, §2.7)', '—', `${one} / ${two} per 1,000`, s3 * days] as const,
    ['EC2 API requests (§2.5)', '—', 'no charge', 0] as const,
    line('CloudWatch Logs ingestion', t.logBytes / 1e9, 'price.logsPerGb', 1, 'GB'),
    line('DynamoDB catalog', writes, 'price.dynamoPerMillionWrites', 1e6, 'writes'),
    line('CloudWatch metrics', metrics / days, 'price.metricPerMonth', 1, 'metrics', 'metric'),
  ];
  const total = rows.reduce((sum, row) => sum + row[3], 0);
  const lines = rows.map(([name, count, price, c]) => `${name} | ${count} | ${price} | ${usd(c)}`);
  const head = 'line | per month | list price, us-east-1 (USD) | USD/month';
  return { text: table(head, [...lines, `**total** | | | **${usd(total)}**`]), total };
}

function headline(m: Model, monthly: number): string {
  const [t, b, days] = [m.total, m.backup, m.i('fleet.daysPerMonth')];
  return `Per day: ${num(t.transitions)} state transitions, ${num(t.invocations)} Lambda \
invocations, ${num(t.gbSeconds)} GB-s, ${num(t.children)} Distributed Map children; \
${usd(monthly / days)} a day, **${usd(monthly)} a month** at list prices in us-east-1. Today the \
fleet needs **${m.policies} policies** (the 256 KiB payload limit, §2.4: a policy holds at most ${num(Math.floor((m.i('limit.statePayloadBytes') - m.i('probe.resultBytesFixed')) / m.i('probe.resultBytesPerVolume')))} volumes and no instances); one run of all \
${num(m.i('fleet.volumes'))} volumes would take **${time(b.oneRun)}** (§2.6).`;
}

/** Transitions and invocations per volume as the pending time grows (docs/scale.md §3.1). */
function perPending(m: Model): string {
  const [i, size] = [m.i, m.i('code.batchSize')];
  const rows = [0, 120, 600, 3600].map((s) => {
    const vb = volumeBatch(i, m.backup.slots, s, s);
    return `${num(s / 60)} min | ${num(vb.transitions / size, 2)} | ${num(vb.invocations / size, 2)}`;
  });
  return table('snapshots and copies pending | transitions/volume | invocations/volume', rows);
}

function results(m: Model): string {
  const cost = monthlyCost(m);
  const sections: [string, string][] = [
    ['Headline', headline(m, cost.total)],
    ['Per workflow, per day', perWorkflow(m)],
    ['Per volume, as the pending time grows', perPending(m)],
    ['Distributed Map children and their results, per run', mapLimits(m)],
    ['EC2 requests against the token buckets', ec2Rates(m)],
    ['How long the volume run takes', runLength(m)],
    ['The bucket: S3 requests and Lambda time, per day', s3Day(m)],
    ['Monthly orchestration cost', cost.text],
  ];
  return sections.map(([title, body], k) => `### 2.${k + 1} ${title}\n\n${body}`).join('\n\n');
}

const doc = readFileSync(docFile, 'utf8');
const text = results(model(readInputs(doc)));
if (process.argv.includes('--write')) {
  const [from, to] = section(doc, resultMarkers);
  const next = `${doc.slice(0, from)}\n\n${text}\n\n${doc.slice(to)}`;
  writeFileSync(docFile, await format(next, { parser: 'markdown', filepath: docFile.pathname }));
} else process.stdout.write(`${text}\n`);
