/**
 * Benchmark: restore API latency (issue 11's closing note). `backupctl serve`'s app on a loopback
 * port (SigV4 verified, the real DynamoDB adapters on moto) with --points recovery points in the
 * catalog (default 10,000: --sources sources of --points/--sources points each) and --restores
 * restores in the restore table; then --requests signed requests each, one at a time, to
 * `GET /v1/restores/{id}` (random existing ids) and `GET /v1/recovery-points` (by source with
 * the default page of 50; and without a filter, which scans the catalog), timed from the signing
 * to the last byte of the body. Prints p50, p90, p99 and max per route; asserts nothing.
 *
 *   npm run bench:restore-api -- [--points 10000] [--sources 100] [--restores 200] [--requests 300]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { listenOnLoopback, localRestoreApi } from '../cli/local-restore-api.js';
import { RestoreApiClient } from '../cli/restore-api-client.js';
import { startMoto } from '../emulator/index.js';
import {
  DynamoDbRecoveryPointCatalog,
  ensureCatalogTable,
} from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { InMemoryRestoreWorkflows } from '../functions/adapters/in-memory/in-memory-restore-workflows.js';
import type { RecoveryPoint } from '../functions/core/recovery-point.js';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '10000' },
    sources: { type: 'string', default: '100' },
    restores: { type: 'string', default: '200' },
    requests: { type: 'string', default: '300' },
  },
});
const pointCount = Number(values.points);
const sourceCount = Number(values.sources);
const restoreCount = Number(values.restores);
const requestCount = Number(values.requests);
const region = 'us-east-1';

function pointOf(index: number): RecoveryPoint {
  return {
    id: `snap-${String(index).padStart(8, '0')}`,
    kind: 'volume-snapshot',
    sourceId: `vol-${index % sourceCount}`,
    region,
    policy: index % 2 ? 'daily' : 'weekly',
    runId: `run-${Math.floor(index / sourceCount)}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    expiresAt: 'never',
    state: 'available',
    sizeGiB: 8,
  };
}

async function timed(count: number, request: (index: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = performance.now();
    await request(index);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

async function main(): Promise<void> {
  const moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: region,
  });
  try {
    const catalogTable = 'bench-catalog';
    await ensureCatalogTable(catalogTable, region);
    const catalog = new DynamoDbRecoveryPointCatalog(catalogTable, new DynamoDBClient({ region }));
    await catalog.put(Array.from({ length: pointCount }, (_, index) => pointOf(index)));
    const api = await localRestoreApi({
      region,
      catalogTable,
      restoreTable: 'bench-restores',
      workflows: new InMemoryRestoreWorkflows(),
      ports: { preflights: { volume: async () => [] } },
    });
    const served = await listenOnLoopback(api.app);
    const client = new RestoreApiClient(served.baseUrl, region);
    const ids: string[] = [];
    for (let index = 0; index < restoreCount; index += 1) {
      const body = {
        kind: 'volume' as const,
        recoveryPointId: pointOf(index).id,
        target: { availabilityZone: `${region}a` },
      };
      const started = await client.startRestore(body, `bench-${index}`);
      if (!started.dryRun) ids.push(started.restoreId);
    }
    console.log(
      `catalog: ${pointCount} points (${sourceCount} sources); restores: ${ids.length}; ${requestCount} sequential signed requests per route over HTTP, ms`,
    );
    const rows: [string, Awaited<ReturnType<typeof timed>>][] = [
      [
        'GET /v1/restores/{id}',
        await timed(requestCount, (i) => client.getRestore(ids[(i * 7919) % ids.length] as string)),
      ],
      [
        'GET /v1/recovery-points?source=…',
        await timed(requestCount, (i) =>
          client.listRecoveryPoints({ sourceId: `vol-${i % sourceCount}` }),
        ),
      ],
      [
        'GET /v1/recovery-points (no filter)',
        await timed(Math.min(requestCount, 30), () => client.listRecoveryPoints({})),
      ],
    ];
    console.log(['route'.padEnd(38), 'p50', 'p90', 'p99', 'max'].join('\t'));
    for (const [route, stats] of rows) {
      console.log([route.padEnd(38), stats.p50, stats.p90, stats.p99, stats.max].join('\t'));
    }
    await served.close();
  } finally {
    await moto.stop();
  }
}

await main();
