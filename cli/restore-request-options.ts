import { InvalidInputError } from '../functions/core/errors.js';
import type { RecoveryPointKind } from '../functions/core/recovery-point.js';
import {
  RestoreRequestSchema,
  type RestoreKind,
  type RestoreRequest,
} from '../functions/core/restore/restore-request.js';

/** The `backupctl restore` flags that make up a restore request (cli/command-definitions.ts). */
export interface RestoreRequestOptions {
  kind?: RestoreKind;
  recoveryPoint?: string;
  source?: string;
  at?: string;
  dryRun?: boolean;
  tag?: string[];
  availabilityZone?: string;
  volumeType?: string;
  sizeGib?: string;
  iops?: string;
  throughput?: string;
  kmsKey?: string;
  attachInstance?: string;
  device?: string;
  subnetId?: string;
  instanceType?: string;
  securityGroupIds?: string;
  instanceProfile?: string;
  keyName?: string;
  publicIp?: boolean;
  verify?: boolean;
  targetBucket?: string;
  targetRegion?: string;
  targetPrefix?: string;
  prefix?: string[];
  include?: string[];
  exclude?: string[];
  existingObjects?: string;
  imageName?: string;
}

/** The restore kind each kind of recovery point is restored as. */
export const RestoreKindOfPoint: Readonly<Record<RecoveryPointKind, RestoreKind>> = {
  'volume-snapshot': 'volume',
  image: 'instance',
  'bucket-copy': 'objects',
  'image-export': 'image',
};

/**
 * The kind a restore is, when the flags do not say: from the recovery point's id (`snap-`, `ami-`)
 * or the source's (`vol-`, `i-`); an `s3://` point needs its catalog entry (`pointKind`).
 */
export function restoreKindOf(
  options: RestoreRequestOptions,
  pointKind?: RecoveryPointKind,
): RestoreKind {
  if (options.kind) return options.kind;
  if (pointKind) return RestoreKindOfPoint[pointKind];
  const id = options.recoveryPoint ?? '';
  if (id.startsWith('snap-')) return 'volume';
  if (id.startsWith('ami-')) return 'instance';
  const source = options.source ?? '';
  if (source.startsWith('vol-')) return 'volume';
  if (source.startsWith('i-')) return 'instance';
  if (options.source !== undefined) return 'objects';
  throw new InvalidInputError(
    `cannot tell the kind of restore from "${id || source}": give --kind volume|instance|objects|image`,
  );
}

/** Builds the request body the API takes (functions/core/restore/restore-request.ts), validated. */
export function restoreRequestOf(
  kind: RestoreKind,
  options: RestoreRequestOptions,
): RestoreRequest {
  const body = {
    kind,
    ...(options.recoveryPoint !== undefined ? { recoveryPointId: options.recoveryPoint } : {}),
    ...(options.source !== undefined ? { sourceId: options.source } : {}),
    ...(options.at !== undefined ? { at: options.at } : {}),
    ...targetOf(kind, options),
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  const parsed = RestoreRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidInputError(
      'the restore flags do not make a valid request:\n' +
        parsed.error.issues
          .map((issue) => `  ${issue.path.join('.') || '(request)'}: ${issue.message}`)
          .join('\n'),
    );
  }
  return parsed.data;
}

function targetOf(kind: RestoreKind, options: RestoreRequestOptions): Record<string, unknown> {
  const tags = tagsOf(options.tag);
  switch (kind) {
    case 'volume':
      return { target: volumeTargetOf(options), ...tags };
    case 'instance':
      return {
        target: defined({
          subnetId: options.subnetId,
          instanceType: options.instanceType,
          securityGroupIds: options.securityGroupIds?.split(',').map((id) => id.trim()),
          instanceProfile: options.instanceProfile,
          keyName: options.keyName,
          associatePublicIpAddress: options.publicIp,
        }),
        ...(options.verify ? { verify: true } : {}),
        ...tags,
      };
    case 'objects':
      return defined({
        target: defined({
          bucket: options.targetBucket,
          prefix: options.targetPrefix,
          region: options.targetRegion,
        }),
        prefixes: options.prefix,
        include: options.include,
        exclude: options.exclude,
        existingObjects: options.existingObjects,
      });
    case 'image':
      return {
        ...(options.imageName || options.targetRegion
          ? { target: defined({ name: options.imageName, region: options.targetRegion }) }
          : {}),
        ...tags,
      };
  }
}

function volumeTargetOf(options: RestoreRequestOptions): Record<string, unknown> {
  return defined({
    availabilityZone: options.availabilityZone,
    volumeType: options.volumeType,
    sizeGiB: numberOf('--size-gib', options.sizeGib),
    iops: numberOf('--iops', options.iops),
    throughputMiBps: numberOf('--throughput', options.throughput),
    kmsKeyId: options.kmsKey,
    attach:
      options.attachInstance || options.device
        ? defined({ instanceId: options.attachInstance, device: options.device })
        : undefined,
  });
}

/** `--tag Key=Value`, repeatable. */
function tagsOf(pairs: readonly string[] | undefined): { tags?: Record<string, string> } {
  if (!pairs || pairs.length === 0) return {};
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new InvalidInputError(`--tag must be KEY=VALUE, got "${pair}"`);
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { tags };
}

function numberOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || value.trim() === '')
    throw new InvalidInputError(`${flag} must be a number, got "${value}"`);
  return number;
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
