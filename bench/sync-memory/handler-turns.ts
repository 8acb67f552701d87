/**
 * The child process of bench/sync-bucket-memory.ts: the deployed SyncBucket handler
 * (functions/handlers/sync-bucket.ts, its whole middy chain), called turn after turn as the ASL's
 * loop calls it (the state JSON round-tripped between turns, as Step Functions passes it), in one
 * process, as one warm Lambda container would run every turn of its range. Each turn gets a fresh
 * context with the function's timeout; the handler stops taking keys with 60 s left.
 *
 * Measures the process itself: RSS sampled every 20 ms during each turn (and heap, external and
 * array buffers at each turn's end), and the kernel's high-water mark (getrusage maxRSS) at the
 * end. Writes one JSON document to the file named by argv[3]:
 *
 *   node [flags] handler-turns.mjs <event.json> <result.json> <timeoutSeconds>
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Context } from 'aws-lambda';
import { handler } from '../../functions/handlers/sync-bucket.js';

const MB = 1024 * 1024;
const [eventFile, resultFile, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg ?? 300) * 1000;

export interface TurnRecord {
  turn: number;
  seconds: number;
  /** Keys settled so far in the range (state.totals.objects + deleted at source). */
  settled: number;
  peakRssMb: number;
  /** Sampled peaks of the V8 heap's reserved size and of memory outside it (buffers). */
  peakHeapTotalMb: number;
  peakExternalMb: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** Open TCP sockets at the turn's end (a stream left half-read keeps its socket). */
  sockets: number;
  /** V8's spaces at the turn's end (MB reserved): new, old, code, large_object... */
  spacesMb: Record<string, number>;
}

export interface ChildResult {
  turns: TurnRecord[];
  /** getrusage: the process's peak resident set, start-up included. */
  maxRssMb: number;
  startRssMb: number;
  startHeapUsedMb: number;
  finalState: unknown;
}

/** Diagnosis (BENCH_HEAP_SNAPSHOTS=dir): after each turn, a full GC, its live heap, a snapshot. */
function heapSnapshot(turn: number): NodeJS.MemoryUsage | undefined {
  const directory = process.env.BENCH_HEAP_SNAPSHOTS;
  if (!directory) return undefined;
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const live = process.memoryUsage();
  writeHeapSnapshot(join(directory, `turn-${turn}.heapsnapshot`));
  return live;
}

function lambdaContext(): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'SyncBucket',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:SyncBucket',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/SyncBucket',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

interface TurnState {
  done?: boolean;
  totals?: { objects: number; deletedAtSource: number; vanished: number };
}

async function main(): Promise<void> {
  const start = process.memoryUsage();
  let event: unknown = JSON.parse(readFileSync(eventFile!, 'utf8'));
  const turns: TurnRecord[] = [];
  let state: TurnState = {};
  for (let turn = 1; !state.done; turn += 1) {
    const peak = { rss: 0, heapTotal: 0, external: 0 };
    const sample = () => {
      const usage = process.memoryUsage();
      peak.rss = Math.max(peak.rss, usage.rss);
      peak.heapTotal = Math.max(peak.heapTotal, usage.heapTotal);
      peak.external = Math.max(peak.external, usage.external);
    };
    sample();
    const sampler = setInterval(sample, 20);
    const started = performance.now();
    try {
      state = (await handler(event as never, lambdaContext())) as TurnState;
    } finally {
      clearInterval(sampler);
    }
    sample();
    const usage = process.memoryUsage();
    const totals = state.totals;
    turns.push({
      turn,
      seconds: (performance.now() - started) / 1000,
      settled: (totals?.objects ?? 0) + (totals?.deletedAtSource ?? 0) + (totals?.vanished ?? 0),
      peakRssMb: peak.rss / MB,
      peakHeapTotalMb: peak.heapTotal / MB,
      peakExternalMb: peak.external / MB,
      rssMb: usage.rss / MB,
      heapUsedMb: usage.heapUsed / MB,
      heapTotalMb: usage.heapTotal / MB,
      externalMb: usage.external / MB,
      arrayBuffersMb: usage.arrayBuffers / MB,
      sockets: process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length,
      spacesMb: Object.fromEntries(
        getHeapSpaceStatistics()
          .filter((space) => space.space_size > 0)
          .map((space) => [space.space_name.replace(/_space$/, ''), space.space_size / MB]),
      ),
    });
    const live = heapSnapshot(turn);
    if (process.env.BENCH_TRACE_TURNS)
      process.stderr.write(`${JSON.stringify({ ...turns.at(-1), live })}\n`);
    // Step Functions hands the next turn the state as JSON.
    event = JSON.parse(JSON.stringify(state));
  }
  const result: ChildResult = {
    turns,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    startRssMb: start.rss / MB,
    startHeapUsedMb: start.heapUsed / MB,
    finalState: state,
  };
  writeFileSync(resultFile!, JSON.stringify(result));
}

await main();
