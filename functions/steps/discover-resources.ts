import { toBatches } from '../core/batching.js';
import {
  BucketCopyOptionsSchema,
  policyNamed,
  type BackupConfig,
  type Policy,
} from '../core/config.js';
import { InvalidInputError } from '../core/errors.js';
import { resolvePolicies, type TagProblem } from '../core/policy-resolution.js';
import { formatExpiresAt, retentionHorizon } from '../core/retention-horizon.js';
import {
  PacingSchema,
  type DiscoverResourcesEvent,
  type ImageExportPlan,
  type RunFailure,
} from '../core/run-state/backup-run.js';
import {
  type DiscoverResourcesResult,
  type BucketCopyItem,
  type InstanceRef,
} from '../core/run-state/discovery.js';
import { type VolumeRef } from '../core/run-state/volume-batch.js';
import type { BucketInventory } from '../ports/bucket-inventory.js';
import type { InstanceInventory } from '../ports/instance-inventory.js';
import type { VolumeInventory } from '../ports/volume-inventory.js';

/** The state payload is capped at 256 KB; problems beyond this are counted, not listed. */
const listedProblemsLimit = 100;
/** Volume states from which a snapshot cannot be taken. */
const unusableVolumeStates = new Set(['creating', 'deleting', 'deleted', 'error']);

export interface DiscoveryPorts {
  volumes: VolumeInventory;
  instances: InstanceInventory;
  buckets: BucketInventory;
}

/** What the deployment provides (from the stack, via the environment). */
export interface ExportDeployment {
  bucket?: string;
  roleName?: string;
  /** Backup bucket per DR region, for bucket copies whose copyTo entry names none. */
  backupBuckets?: Record<string, string>;
}

/**
 * First step of a run: resolves the policy, lists opted-in volumes and instances, reports tag
 * problems, and splits what this policy covers into batches for the Maps.
 */
export async function discoverResources(
  event: DiscoverResourcesEvent,
  ports: DiscoveryPorts,
  deployment: ExportDeployment = {},
): Promise<DiscoverResourcesResult> {
  const { request } = event;
  const { config, policyName } = request;
  const policy = policyNamed(config, policyName);
  const exportPlan = planExport(policyName, policy, deployment);
  const knownPolicies = new Set(Object.keys(config.policies));
  const startedAt = new Date(event.executionStartTime);
  const pacing = PacingSchema.parse(request.pacing ?? {});

  const tagProblems: TagProblem[] = [];
  const failures: RunFailure[] = [];
  const excluded: string[] = [];
  const selectedVolumes: VolumeRef[] = [];
  let optedIn = 0;
  for await (const page of ports.volumes.listOptedInVolumes()) {
    for (const volume of page) {
      optedIn += 1;
      const resolution = resolvePolicies(volume.volumeId, volume.tags, knownPolicies);
      tagProblems.push(...resolution.problems);
      if (resolution.excluded) {
        excluded.push(volume.volumeId);
      } else if (!resolution.policies.includes(policyName)) {
        continue;
      } else if (unusableVolumeStates.has(volume.state)) {
        failures.push(
          notUsable(
            volume.volumeId,
            `volume ${volume.volumeId} is in state "${volume.state}"; no snapshot taken`,
            config,
          ),
        );
      } else {
        selectedVolumes.push({ volumeId: volume.volumeId });
      }
    }
  }

  const selectedInstances: InstanceRef[] = [];
  let instancesOptedIn = 0;
  for await (const page of ports.instances.listOptedInInstances()) {
    for (const instance of page) {
      instancesOptedIn += 1;
      const resolution = resolvePolicies(instance.instanceId, instance.tags, knownPolicies);
      tagProblems.push(...resolution.problems);
      if (resolution.excluded) {
        excluded.push(instance.instanceId);
      } else if (resolution.policies.includes(policyName)) {
        const name = instance.tags.Name;
        selectedInstances.push({ instanceId: instance.instanceId, ...(name ? { name } : {}) });
      }
    }
  }

  const copyTargets = policy.copyTo.map((target) => ({
    region: target.region,
    kmsKeyId: target.kmsKeyId ?? config.drKeyAlias,
    expiresAt: formatExpiresAt(retentionHorizon(target.retention ?? policy.retention, startedAt)),
    ...((target.bucket ?? deployment.backupBuckets?.[target.region])
      ? { bucket: target.bucket ?? deployment.backupBuckets?.[target.region] }
      : {}),
  }));

  const bucketItems: BucketCopyItem[] = [];
  let bucketsOptedIn = 0;
  let bucketsSelected = 0;
  for await (const page of ports.buckets.listOptedInBuckets()) {
    for (const found of page) {
      bucketsOptedIn += 1;
      const resolution = resolvePolicies(found.bucket, found.tags, knownPolicies);
      tagProblems.push(...resolution.problems);
      if (resolution.excluded) {
        excluded.push(found.bucket);
        continue;
      }
      if (!resolution.policies.includes(policyName)) continue;
      bucketsSelected += 1;
      if (copyTargets.length === 0) {
        failures.push({
          sourceId: found.bucket,
          stage: 'bucket-copy',
          region: config.primaryRegion,
          name: 'NoCopyTargetError',
          message: `bucket ${found.bucket} opts in to policy ${policyName}, which has no copyTo region to copy buckets into`,
        });
      }
      for (const target of copyTargets) {
        if (!target.bucket) {
          failures.push({
            sourceId: found.bucket,
            stage: 'bucket-copy',
            region: target.region,
            name: 'BackupBucketUnavailableError',
            message: `no backup bucket for ${target.region}: set copyTo[].bucket or deploy the DR stack (BACKUP_BUCKETS)`,
          });
          continue;
        }
        bucketItems.push({
          bucket: found.bucket,
          region: target.region,
          backupBucket: target.bucket,
          expiresAt: target.expiresAt,
        });
      }
    }
  }

  return {
    run: {
      runId: event.executionName,
      policyName,
      primaryRegion: config.primaryRegion,
      startedAt: startedAt.toISOString(),
      expiresAt: formatExpiresAt(retentionHorizon(policy.retention, startedAt)),
      copyTargets,
      pacing,
      image: {
        noReboot: policy.image?.noReboot ?? true,
        ...(exportPlan ? { export: exportPlan } : {}),
      },
      buckets: BucketCopyOptionsSchema.parse(policy.buckets ?? {}),
    },
    volumeBatches: toBatches(selectedVolumes, pacing.batchSize).map((volumes, batchIndex) => ({
      batchIndex,
      volumes,
    })),
    bucketItems,
    imageBatches: toBatches(selectedInstances, pacing.imageBatchSize).map(
      (instances, batchIndex) => ({ batchIndex, instances }),
    ),
    discovery: {
      optedIn,
      selected: selectedVolumes.length,
      instancesOptedIn,
      instancesSelected: selectedInstances.length,
      bucketsOptedIn,
      bucketsSelected,
      // Listed up to the same cap as problems (the state payload is limited); all are counted.
      excluded: excluded.slice(0, listedProblemsLimit),
      excludedCount: excluded.length,
      tagProblems: tagProblems.slice(0, listedProblemsLimit),
      tagProblemCount: tagProblems.length,
      failures,
    },
  };
}

/** An export the policy asks for needs the bucket the stack made; without it nothing starts. */
function planExport(
  policyName: string,
  policy: Policy,
  deployment: ExportDeployment,
): ImageExportPlan | undefined {
  const wanted = policy.image?.export;
  if (!wanted) return undefined;
  if (!deployment.bucket) {
    throw new InvalidInputError(
      `policy ${policyName} exports images (image.export.format ${wanted.format}) but no export bucket is configured: set EXPORT_BUCKET_NAME (the stack sets it on the function)`,
    );
  }
  return {
    format: wanted.format,
    bucket: deployment.bucket,
    prefix: wanted.prefix ?? `exports/${policyName}/`,
    roleName: deployment.roleName ?? 'vmimport',
  };
}

function notUsable(resourceId: string, message: string, config: BackupConfig): RunFailure {
  return {
    sourceId: resourceId,
    stage: 'discover',
    region: config.primaryRegion,
    name: 'VolumeNotUsableError',
    message,
  };
}
