import {
  CreateSnapshotCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import type { RestoreRecord } from '../../functions/core/restore/restore-record.js';
import { RestoreApiClient } from '../../cli/restore-api-client.js';
import {
  listenOnLoopback,
  localRestoreApi,
  localRestoreApiEnvironment,
} from '../../cli/local-restore-api.js';
import { LocalRestoreWorkflows } from '../../statemachines/local/local-restore-workflows.js';
import { createTaggedVolume, ec2At, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { createImageOfInstance, createRestoreTestNetwork } from '../support/restore-lab-estate.js';

process.env.AWS_MAX_ATTEMPTS = '2';

/**
 * The API's real path end to end: a signed POST over HTTP to serve's app, the volume restore
 * workflow run by the local runner against the test cloud, the result read with GET and judged
 * by what moto holds.
 */
const emulator = useEmulator({ testCloud: true });
const region = 'us-east-1';
const catalogTable = 'api-workflows-catalog';
const restoreTable = 'api-workflows-restores';
let client: RestoreApiClient;
let workflows: LocalRestoreWorkflows;
let close: () => Promise<void>;
let point: RecoveryPoint;
let imagePoint: RecoveryPoint;
let network: { subnetId: string; securityGroupId: string };
/** When set, the API cancels an instance restore right after its workflow launched the instance. */
let cancelAfterLaunch = false;
/** The cancel's answer (the execution ends, aborted, before the cancel has cleaned up). */
let cancelled: Promise<RestoreRecord> | undefined;

beforeAll(async () => {
  const moto = ec2At(emulator.motoEndpoint, region);
  const volumeId = await createTaggedVolume(moto, { Name: 'orders-db' }, 20);
  const snapshot = await moto.send(
    new CreateSnapshotCommand({
      VolumeId: volumeId,
      TagSpecifications: [
        {
          ResourceType: 'snapshot',
          Tags: [
            { Key: 'Name', Value: 'orders-db' },
            { Key: 'team', Value: 'payments' },
            { Key: 'backup:policy', Value: 'daily' },
          ],
        },
      ],
    }),
  );
  point = {
    id: snapshot.SnapshotId ?? '',
    kind: 'volume-snapshot',
    sourceId: volumeId,
    region,
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
    sizeGiB: 20,
  };
  network = await createRestoreTestNetwork(moto, emulator.motoEndpoint);
  const image = await createImageOfInstance(moto, network.subnetId, 'web');
  emulator.testCloud.setGuestProfile(image.imageId, { agent: 'online', selfCheck: 'healthy' });
  imagePoint = { ...point, id: image.imageId, kind: 'image', sourceId: image.instanceId };
  const settings = { region, catalogTable, restoreTable };
  workflows = new LocalRestoreWorkflows({
    environment: localRestoreApiEnvironment(settings),
    waitMs: 0,
    afterTask: {
      LaunchRestoredInstance: async (restoreId) => {
        if (!cancelAfterLaunch) return;
        cancelled = client.cancelRestore(restoreId);
        await cancelled;
      },
    },
  });
  const api = await localRestoreApi({ ...settings, workflows });
  await new DynamoDbRecoveryPointCatalog(catalogTable, new DynamoDBClient({ region })).put([
    point,
    imagePoint,
  ]);
  const listening = await listenOnLoopback(api.app);
  close = listening.close;
  client = new RestoreApiClient(listening.baseUrl, region);
});

afterAll(async () => {
  await workflows?.stopAll();
  await close?.();
});

describe('a volume restore through the API, its workflow run locally', () => {
  it('creates exactly the volume asked for, with the tags asked for, reported by ARN', async () => {
    const started = await client.startRestore(
      {
        kind: 'volume',
        recoveryPointId: point.id,
        target: { availabilityZone: `${region}b`, volumeType: 'gp3', sizeGiB: 30 },
        tags: { ticket: 'INC-42' },
      },
      'api-volume-1',
    );
    expect(started).toMatchObject({ dryRun: false, status: 'PENDING' });
    const restoreId = started.dryRun ? '' : started.restoreId;
    await workflows.settled();
    const record = await client.getRestore(restoreId);
    expect(record).toMatchObject({ restoreId, kind: 'volume', status: 'COMPLETED', errors: [] });
    expect(record.completedAt).toEqual(expect.any(String));
    const volumes = await ec2At(emulator.motoEndpoint, region).send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'tag:backup:restore-id', Values: [restoreId] }],
      }),
    );
    expect(volumes.Volumes).toHaveLength(1);
    const volume = volumes.Volumes?.[0];
    expect(volume).toMatchObject({
      AvailabilityZone: `${region}b`,
      VolumeType: 'gp3',
      Size: 30,
      SnapshotId: point.id,
      Encrypted: true,
    });
    expect(tagsOf(volume ?? {})).toEqual({
      Name: 'orders-db',
      team: 'payments',
      ticket: 'INC-42',
      'backup:managed-by': 'backup-orchestrator',
      'backup:restore-id': restoreId,
      'backup:restored-from': `arn:aws:ec2:${region}::snapshot/${point.id}`,
    });
    expect(record.createdResources).toEqual([
      expect.objectContaining({
        type: 'volume',
        id: volume?.VolumeId,
        arn: expect.stringMatching(
          new RegExp(`^arn:aws:ec2:${region}:\\d{12}:volume/${volume?.VolumeId}$`),
        ),
      }),
    ]);
    await expect(client.cancelRestore(restoreId)).rejects.toMatchObject({
      name: 'RestoreNotCancellableError',
      message: expect.stringMatching(/is COMPLETED/),
    });
  });

  it('a cancelled instance restore leaves nothing running, each resource reported cleaned up', async () => {
    const key = 'api-instance-cancel';
    const body = {
      kind: 'instance' as const,
      recoveryPointId: imagePoint.id,
      target: {
        subnetId: network.subnetId,
        securityGroupIds: [network.securityGroupId],
        instanceType: 't3.micro',
      },
    };
    cancelAfterLaunch = true;
    const started = await client.startRestore(body, key).catch((error: unknown) => error);
    expect(started).toMatchObject({ dryRun: false });
    const id = (started as { restoreId: string }).restoreId;
    await workflows.settled();
    const answer = await cancelled;
    const record = await client.getRestore(id);
    expect(record.status).toBe('CANCELLED');
    expect(answer).toEqual(record);
    const reservations = await ec2At(emulator.motoEndpoint, region).send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:backup:restore-id', Values: [id] }] }),
    );
    const instances = reservations.Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    expect(instances.length).toBe(1);
    expect(instances.filter((instance) => instance.State?.Name !== 'terminated')).toEqual([]);
    expect(record.createdResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'instance',
          id: instances[0]?.InstanceId,
          cleanedUp: true,
        }),
      ]),
    );
  });
});
