import { toBatches } from '../core/batching.js';
import {
  BucketCopyOptionsSchema,
  policyNamed,
  type BackupConfig,
  type Policy,
} from '../core/config.js';
import { InvalidInputError } from '../core/errors.js';
import type { PolicyResolution, TagProblem } from '../core/policy-resolution.js';
import { formatExpiresAt, retentionHorizon } from '../core/retention-horizon.js';
import {
  PacingSchema,
  type DiscoverResourcesEvent,
  type ImageExportPlan,
  type RunContext,
  type RunFailure,
} from '../core/run-state/backup-run.js';
import {
  type DiscoverResourcesResult,
  type BucketCopyItem,
  type InstanceRef,
} from '../core/run-state/discovery.js';
import { type VolumeRef } from '../core/run-state/volume-batch.js';
import type { Tags } from '../core/tag-keys.js';
import type { BucketInventory, BucketRecord } from '../ports/bucket-inventory.js';
import type { InstanceInventory, InstanceRecord } from '../ports/instance-inventory.js';
import type { VolumeInventory, VolumeRecord } from '../ports/volume-inventory.js';
import { surveyInventory } from './survey-opted-in-resources.js';

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

type CopyTargetPlan = RunContext['copyTargets'][number];

/** What every kind's survey adds to, in the order met. */
interface Findings {
  tagProblems: TagProblem[];
  excluded: string[];
}

/** One kind of opted-in resource: how many opted in at all, and which this policy covers. */
interface KindSurvey<R> {
  optedIn: number;
  covered: R[];
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
  const { config, policyName } = event.request;
  const run = planRun(event, policyNamed(config, policyName), deployment);
  const knownPolicies = new Set(Object.keys(config.policies));
  const findings: Findings = { tagProblems: [], excluded: [] };
  const survey = <R extends { tags: Tags }>(
    pages: AsyncIterable<R[]>,
    idOf: (record: R) => string,
  ) => surveyKind(surveyInventory(pages, idOf, knownPolicies), policyName, findings);

  const foundVolumes = await survey(
    ports.volumes.listOptedInVolumes(),
    (volume) => volume.volumeId,
  );
  const foundInstances = await survey(
    ports.instances.listOptedInInstances(),
    (instance) => instance.instanceId,
  );
  const foundBuckets = await survey(ports.buckets.listOptedInBuckets(), (bucket) => bucket.bucket);
  const volumeSelection = selectVolumes(foundVolumes.covered, config.primaryRegion);
  const selectedInstances = foundInstances.covered.map(instanceRef);
  const bucketCopies = planBucketItems(
    foundBuckets.covered,
    run.copyTargets,
    policyName,
    config.primaryRegion,
  );

  return {
    run,
    volumeBatches: toBatches(volumeSelection.selected, run.pacing.batchSize).map(
      (volumes, batchIndex) => ({ batchIndex, volumes }),
    ),
    bucketItems: bucketCopies.items,
    imageBatches: toBatches(selectedInstances, run.pacing.imageBatchSize).map(
      (instances, batchIndex) => ({ batchIndex, instances }),
    ),
    discovery: {
      optedIn: foundVolumes.optedIn,
      selected: volumeSelection.selected.length,
      instancesOptedIn: foundInstances.optedIn,
      instancesSelected: selectedInstances.length,
      bucketsOptedIn: foundBuckets.optedIn,
      bucketsSelected: foundBuckets.covered.length,
      // Listed up to the same cap as problems (the state payload is limited); all are counted.
      excluded: findings.excluded.slice(0, listedProblemsLimit),
      excludedCount: findings.excluded.length,
      tagProblems: findings.tagProblems.slice(0, listedProblemsLimit),
      tagProblemCount: findings.tagProblems.length,
      failures: [...volumeSelection.failures, ...bucketCopies.failures],
    },
  };
}

/** The run's context for every later step: its policy resolved against the deployment. */
function planRun(
  event: DiscoverResourcesEvent,
  policy: Policy,
  deployment: ExportDeployment,
): RunContext {
  const { config, policyName } = event.request;
  const exportPlan = planExport(policyName, policy, deployment);
  const startedAt = new Date(event.executionStartTime);
  return {
    runId: event.executionName,
    policyName,
    primaryRegion: config.primaryRegion,
    startedAt: startedAt.toISOString(),
    expiresAt: formatExpiresAt(retentionHorizon(policy.retention, startedAt)),
    copyTargets: planCopyTargets(config, policy, startedAt, deployment),
    pacing: PacingSchema.parse(event.request.pacing ?? {}),
    image: {
      noReboot: policy.image?.noReboot ?? true,
      ...(exportPlan ? { export: exportPlan } : {}),
    },
    buckets: BucketCopyOptionsSchema.parse(policy.buckets ?? {}),
  };
}

/**
 * Counts one kind's opted-in resources, notes their tag problems and exclusions (an exclusion
 * wins over any policy), and keeps those that opt in to this policy.
 */
async function surveyKind<R>(
  surveyed: AsyncIterable<{ record: R; resolution: PolicyResolution }>,
  policyName: string,
  findings: Findings,
): Promise<KindSurvey<R>> {
  const kind: KindSurvey<R> = { optedIn: 0, covered: [] };
  for await (const { record, resolution } of surveyed) {
    kind.optedIn += 1;
    findings.tagProblems.push(...resolution.problems);
    if (resolution.excluded) findings.excluded.push(resolution.resourceId);
    else if (resolution.policies.includes(policyName)) kind.covered.push(record);
  }
  return kind;
}

/** Volumes in a state no snapshot can be taken from are reported, not selected. */
function selectVolumes(
  covered: VolumeRecord[],
  region: string,
): { selected: VolumeRef[]; failures: RunFailure[] } {
  const selected: VolumeRef[] = [];
  const failures: RunFailure[] = [];
  for (const volume of covered) {
    if (unusableVolumeStates.has(volume.state)) {
      failures.push({
        sourceId: volume.volumeId,
        stage: 'discover',
        region,
        name: 'VolumeNotUsableError',
        message: `volume ${volume.volumeId} is in state "${volume.state}"; no snapshot taken`,
      });
    } else {
      selected.push({ volumeId: volume.volumeId });
    }
  }
  return { selected, failures };
}

function instanceRef(instance: InstanceRecord): InstanceRef {
  const name = instance.tags.Name;
  return {
    instanceId: instance.instanceId,
    ...(name ? { name } : {}),
    ...(instance.instanceType ? { instanceType: instance.instanceType } : {}),
  };
}

/** Each DR region of the policy, with its key, the expiry of its copies and its backup bucket. */
function planCopyTargets(
  config: BackupConfig,
  policy: Policy,
  startedAt: Date,
  deployment: ExportDeployment,
): CopyTargetPlan[] {
  return policy.copyTo.map((target) => {
    const bucket = target.bucket ?? deployment.backupBuckets?.[target.region];
    return {
      region: target.region,
      kmsKeyId: target.kmsKeyId ?? config.drKeyAlias,
      expiresAt: formatExpiresAt(retentionHorizon(target.retention ?? policy.retention, startedAt)),
      ...(bucket ? { bucket } : {}),
    };
  });
}

/** One copy per covered bucket and DR region; a region without a backup bucket is reported. */
function planBucketItems(
  covered: BucketRecord[],
  copyTargets: CopyTargetPlan[],
  policyName: string,
  primaryRegion: string,
): { items: BucketCopyItem[]; failures: RunFailure[] } {
  const items: BucketCopyItem[] = [];
  const failures: RunFailure[] = [];
  for (const { bucket } of covered) {
    if (copyTargets.length === 0) {
      failures.push({
        sourceId: bucket,
        stage: 'bucket-copy',
        region: primaryRegion,
        name: 'NoCopyTargetError',
        message: `bucket ${bucket} opts in to policy ${policyName}, which has no copyTo region to copy buckets into`,
      });
    }
    for (const target of copyTargets) {
      if (!target.bucket) {
        failures.push({
          sourceId: bucket,
          stage: 'bucket-copy',
          region: target.region,
          name: 'BackupBucketUnavailableError',
          message: `no backup bucket for ${target.region}: set copyTo[].bucket or deploy the DR stack (BACKUP_BUCKETS)`,
        });
        continue;
      }
      items.push({
        bucket,
        region: target.region,
        backupBucket: target.bucket,
        expiresAt: target.expiresAt,
      });
    }
  }
  return { items, failures };
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
