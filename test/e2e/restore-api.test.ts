import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CreateSnapshotCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { InMemoryRestoreWorkflows } from '../../functions/adapters/in-memory/in-memory-restore-workflows.js';
import { signApiRequest } from '../../functions/adapters/sigv4-requests.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { RestoreApiClient } from '../../cli/restore-api-client.js';
import { listenOnLoopback, localRestoreApi } from '../../cli/local-restore-api.js';
import { createTaggedVolume, ec2At, scanTable } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();
const region = 'us-east-1';
const catalogTable = 'api-e2e-catalog';
const restoreTable = 'api-e2e-restores';

let baseUrl: string;
let close: () => Promise<void>;
let client: RestoreApiClient;
let snapshotId: string;
const workflows = new InMemoryRestoreWorkflows();

function point(id: string, overrides: Partial<RecoveryPoint> = {}): RecoveryPoint {
  return {
    id,
    kind: 'volume-snapshot',
    sourceId: 'vol-source',
    region,
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-11-20T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
    ...overrides,
  };
}

/** A signed request as the client sends it, for bodies and headers the client would not send. */
async function signedFetch(
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
) {
  const url = `${baseUrl}${path}`;
  const { host: _host, ...signed } = await signApiRequest({ method, url, headers, body }, region);
  return fetch(url, { method, headers: signed, ...(body ? { body } : {}) });
}

async function problemOf(response: Response): Promise<{ code: string; errors?: unknown[] }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as { code: string; errors?: unknown[] };
}

const volumeBody = (availabilityZone = `${region}a`) => ({
  kind: 'volume',
  recoveryPointId: snapshotId,
  target: { availabilityZone },
});

beforeAll(async () => {
  const ec2 = ec2At(emulator.motoEndpoint, region);
  const volumeId = await createTaggedVolume(ec2, { Name: 'source' });
  snapshotId = (await ec2.send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId ?? '';
  const api = await localRestoreApi({ region, catalogTable, restoreTable, workflows });
  const catalog = new DynamoDbRecoveryPointCatalog(catalogTable, new DynamoDBClient({ region }));
  await catalog.put([
    point(snapshotId, { sourceId: volumeId, sizeGiB: 8 }),
    ...Array.from({ length: 7 }, (_, index) =>
      point(`snap-page-${index}`, { createdAt: `2026-11-0${index + 1}T03:00:00.000Z` }),
    ),
  ]);
  const listening = await listenOnLoopback(api.app);
  baseUrl = listening.baseUrl;
  close = listening.close;
  client = new RestoreApiClient(baseUrl, region);
});

afterAll(async () => {
  await close?.();
});

describe("the restore API over real HTTP (serve's app on a loopback port)", () => {
  it('refuses an unsigned request, a wrong signature and another key with 403 problem+json', async () => {
    const unsigned = await fetch(`${baseUrl}/restores`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toBe('application/problem+json');
    expect(await unsigned.json()).toMatchObject({ status: 403, code: 'signature-rejected' });
    for (const credentials of [
      { accessKeyId: 'testing', secretAccessKey: 'not-the-secret' },
      { accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: 'testing' },
    ]) {
      const url = `${baseUrl}/restores`;
      const { host: _host, ...headers } = await signApiRequest(
        { method: 'GET', url, headers: {} },
        region,
        credentials,
      );
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(403);
      expect(await problemOf(refused)).toMatchObject({ code: 'signature-rejected' });
    }
    const tampered = await signApiRequest(
      {
        method: 'POST',
        url: `${baseUrl}/restores`,
        headers: { 'idempotency-key': 'k-tamper' },
        body: '{}',
      },
      region,
    );
    const { host: _host, ...headers } = tampered;
    const swapped = await fetch(`${baseUrl}/restores`, {
      method: 'POST',
      headers,
      body: '{"kind":"volume"}',
    });
    expect(swapped.status).toBe(403);
    expect(await scanTable(emulator.motoEndpoint, region, restoreTable)).toEqual([]);
  });

  it('answers a signed body that is not JSON with 400 problem+json', async () => {
    const response = await signedFetch('POST', '/restores', '{"kind": "volume",', {
      'idempotency-key': 'k-not-json',
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, code: 'malformed-json' });
  });

  it('names the field of a volume restore to an AZ that does not exist (422) and creates nothing', async () => {
    const before = await ec2At(emulator.motoEndpoint, region).send(new DescribeVolumesCommand({}));
    const response = await signedFetch(
      'POST',
      '/restores',
      JSON.stringify(volumeBody('us-east-1q')),
      {
        'idempotency-key': 'k-bad-az',
      },
    );
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'target.availabilityZone' })]),
    );
    const after = await ec2At(emulator.motoEndpoint, region).send(new DescribeVolumesCommand({}));
    expect(after.Volumes?.length).toBe(before.Volumes?.length);
    expect(workflows.executions.size).toBe(0);
  });

  it('starts one workflow for 50 concurrent identical POSTs with one key, all given its restoreId', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        client.send<{ restoreId: string; status: string }>('POST', '/restores', volumeBody(), {
          'idempotency-key': 'k-fifty',
        }),
      ),
    );
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    const ids = new Set(answers.map((answer) => answer.body.restoreId));
    expect(ids.size).toBe(1);
    const restoreId = [...ids][0] as string;
    // Relative to the POST's URL, whatever stage path API Gateway puts before /v1.
    expect(answers[0]?.headers.get('location')).toBe(`restores/${restoreId}`);
    expect([...workflows.executions.keys()]).toEqual([restoreId]);
    expect(workflows.executions.get(restoreId)?.input.recoveryPoint.id).toBe(snapshotId);
    const items = await scanTable(emulator.motoEndpoint, region, restoreTable);
    expect(items.filter((item) => String(item.pk).startsWith('restore#'))).toEqual([
      expect.objectContaining({ restoreId, status: 'PENDING', recoveryPointId: snapshotId }),
    ]);
    expect(items.filter((item) => item.pk === 'idempotency#k-fifty')).toEqual([
      expect.objectContaining({ restoreId }),
    ]);
    expect(await client.getRestore(restoreId)).toMatchObject({
      restoreId,
      kind: 'volume',
      status: 'PENDING',
    });
  });

  it('answers the same key with another body 422 idempotency-conflict, starting nothing more', async () => {
    const response = await signedFetch(
      'POST',
      '/restores',
      JSON.stringify({ ...volumeBody(), tags: { team: 'x' } }),
      {
        'idempotency-key': 'k-fifty',
      },
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'idempotency-conflict' });
    expect(workflows.executions.size).toBe(1);
  });

  it('pages GET /recovery-points newest first with a token until the end', async () => {
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.listRecoveryPoints({
        sourceId: 'vol-source',
        limit: 3,
        ...(nextToken ? { nextToken } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((found) => found.id));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, index) => `snap-page-${6 - index}`));
    const bad = await signedFetch('GET', '/recovery-points?limit=5000', '');
    expect(bad.status).toBe(400);
    expect((await problemOf(bad)).errors).toEqual([
      expect.objectContaining({ path: 'query.limit' }),
    ]);
  });

  it('answers an unknown restore 404 problem+json', async () => {
    const response = await signedFetch('GET', '/restores/rst-does-not-exist', '');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'restore-not-found', status: 404 });
  });
});

describe('backupctl serve', () => {
  it('prints its base URL first, answers signed requests, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/backupctl.js',
        'serve',
        '--port',
        '0',
        '--restore-table',
        restoreTable,
        '--catalog-table',
        catalogTable,
      ],
      {
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const firstLine = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once('line', resolve),
    );
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const served = new RestoreApiClient(firstLine, region);
    const page = await served.listRestores({});
    expect(page.items.map((item) => item.status)).toEqual(['PENDING']);
    expect((await fetch(`${firstLine}/restores`)).status).toBe(403);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
