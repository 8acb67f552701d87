import type { RecoveryPoint } from '../../core/recovery-point.js';
import type { RestoreProblem } from '../../core/restore/restore-errors.js';
import type { VolumeRestoreRequest } from '../../core/restore/restore-request.js';
import { restoredTags } from '../../core/restore/restored-tags.js';
import { resolveVolumeSpec, volumeSpecProblems } from '../../core/restore/volume-restore-plan.js';
import type {
  CreateRestoredVolumeRequest,
  KeyDirectory,
  RestorableSnapshot,
  VolumeRestoreTarget,
} from '../../ports/volume-restore-target.js';

/** The ports of a volume restore's preflight, in the point's region (real ones: functions/handlers/volume-restore-ports.ts). */
export interface VolumePreflightPorts {
  volumes: VolumeRestoreTarget;
  keys: KeyDirectory;
}

/**
 * Every reason the volume restore cannot be carried out as asked, each by request field, with
 * nothing created (docs/adr/0012-restore-api.md, decision 2): the snapshot exists and is
 * completed; the AZ is one of the point's region; the size, type, IOPS and throughput meet the
 * type's rules (functions/core/restore/volume-restore-plan.ts); the KMS key is usable; the
 * attach target exists in that AZ with the device free. When all of that holds, EC2's DryRun of
 * the very CreateVolume is asked too (moto answers it, checking little; AWS checks permissions).
 */
export async function preflightVolumeRestore(
  request: VolumeRestoreRequest,
  point: RecoveryPoint,
  ports: VolumePreflightPorts,
): Promise<RestoreProblem[]> {
  const { target } = request;
  const snapshot = await ports.volumes.describeSnapshot(point.id);
  const problems: RestoreProblem[] = [
    ...snapshotProblems(point, snapshot),
    ...(await zoneProblems(target.availabilityZone, ports.volumes)),
    ...(snapshot
      ? volumeSpecProblems(resolveVolumeSpec(target, snapshot.sizeGiB), snapshot.sizeGiB)
      : []),
    ...(target.kmsKeyId ? await keyProblems(target.kmsKeyId, ports.keys) : []),
    ...(target.attach
      ? await attachProblems(target.availabilityZone, target.attach, ports.volumes)
      : []),
  ];
  if (problems.length > 0 || !snapshot) return problems;
  const answer = await ports.volumes.dryRunCreateVolume(
    createVolumeRequest('dry-run', request, point, snapshot),
  );
  return answer.wouldSucceed
    ? []
    : [
        {
          path: '',
          code: 'create-volume-refused',
          message: `EC2 would refuse CreateVolume: ${answer.reason}`,
        },
      ];
}

/** The CreateVolume a restore makes (the step and the DryRun alike). */
export function createVolumeRequest(
  restoreId: string,
  request: VolumeRestoreRequest,
  point: RecoveryPoint,
  snapshot: RestorableSnapshot,
): CreateRestoredVolumeRequest {
  return {
    ...resolveVolumeSpec(request.target, snapshot.sizeGiB),
    snapshotId: snapshot.snapshotId,
    availabilityZone: request.target.availabilityZone,
    ...(request.target.kmsKeyId ? { kmsKeyId: request.target.kmsKeyId } : {}),
    tags: restoredTags({ sourceTags: snapshot.tags, requestTags: request.tags, restoreId, point }),
    clientToken: restoreId,
  };
}

function snapshotProblems(
  point: RecoveryPoint,
  snapshot: RestorableSnapshot | undefined,
): RestoreProblem[] {
  const path = 'recoveryPointId';
  if (point.kind !== 'volume-snapshot') {
    return [
      {
        path,
        code: 'wrong-point-kind',
        message: `${point.id} is a ${point.kind} point, not a volume-snapshot`,
      },
    ];
  }
  if (!snapshot) {
    return [
      {
        path,
        code: 'snapshot-not-found',
        message: `snapshot ${point.id} does not exist in ${point.region}`,
      },
    ];
  }
  if (snapshot.state !== 'completed') {
    return [
      {
        path,
        code: 'snapshot-not-completed',
        message: `snapshot ${point.id} is ${snapshot.state}, not completed`,
      },
    ];
  }
  return [];
}

async function zoneProblems(zone: string, volumes: VolumeRestoreTarget): Promise<RestoreProblem[]> {
  const zones = await volumes.availabilityZones();
  return zones.includes(zone)
    ? []
    : [
        {
          path: 'target.availabilityZone',
          code: 'unknown-availability-zone',
          message: `availability zone ${zone} is not one of ${volumes.region}'s: ${zones.join(', ')}`,
        },
      ];
}

/** Fails closed: a key EC2 could not use, or whose use this check cannot establish, is refused. */
async function keyProblems(keyId: string, keys: KeyDirectory): Promise<RestoreProblem[]> {
  const path = 'target.kmsKeyId';
  const key = await keys.describeKey(keyId);
  if (!key)
    return [
      {
        path,
        code: 'kms-key-not-found',
        message: `KMS key ${keyId} does not exist in ${keys.region}`,
      },
    ];
  const reasons = [
    ...(key.enabled && key.keyState === 'Enabled' ? [] : [`its state is ${key.keyState}`]),
    ...(key.keyUsage === 'ENCRYPT_DECRYPT' ? [] : [`its usage is ${key.keyUsage}`]),
    ...(key.keySpec === 'SYMMETRIC_DEFAULT' ? [] : [`it is a ${key.keySpec} key, not symmetric`]),
  ];
  return reasons.length === 0
    ? []
    : [
        {
          path,
          code: 'kms-key-unusable',
          message: `KMS key ${keyId} cannot encrypt a volume: ${reasons.join('; ')}`,
        },
      ];
}

async function attachProblems(
  zone: string,
  attach: { instanceId: string; device: string },
  volumes: VolumeRestoreTarget,
): Promise<RestoreProblem[]> {
  const instance = await volumes.describeAttachTarget(attach.instanceId);
  const path = 'target.attach.instanceId';
  if (!instance || ['shutting-down', 'terminated'].includes(instance.state)) {
    return [
      {
        path,
        code: 'instance-not-found',
        message: `instance ${attach.instanceId} does not exist (or is terminated) in ${volumes.region}`,
      },
    ];
  }
  return [
    ...(instance.availabilityZone === zone
      ? []
      : [
          {
            path,
            code: 'instance-in-other-zone',
            message: `instance ${attach.instanceId} is in ${instance.availabilityZone}, the volume would be in ${zone}`,
          },
        ]),
    ...(!instance.devices.includes(attach.device)
      ? []
      : [
          {
            path: 'target.attach.device',
            code: 'device-in-use',
            message: `device ${attach.device} of instance ${attach.instanceId} is already in use`,
          },
        ]),
  ];
}
