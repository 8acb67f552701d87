import { ManagedByValue, TagKeys, type Tags } from './tag-keys.js';

export type RecoveryPointKind = 'volume-snapshot' | 'image' | 'image-export' | 'bucket-copy';
export type RecoveryPointState = 'creating' | 'available' | 'failed' | 'expired';

/** Where a copy came from. */
export interface CopySource {
  id: string;
  region: string;
}

export interface FailureInfo {
  /** Error class name, matchable by ASL and by callers. */
  name: string;
  message: string;
}

/** One restorable artifact, as indexed in the catalog (docs/architecture.md §2.4). */
export interface RecoveryPoint {
  id: string;
  kind: RecoveryPointKind;
  sourceId: string;
  region: string;
  policy: string;
  runId: string;
  createdAt: string;
  /** ISO-8601 UTC or "never". */
  expiresAt: string;
  state: RecoveryPointState;
  copyOf?: CopySource;
  sizeGiB?: number;
  encrypted?: boolean;
  kmsKeyId?: string;
  failure?: FailureInfo;
  /** For bucket copies: the run's manifest, the input of a point-in-time restore. */
  manifest?: BucketCopyManifestRef;
  /** For image exports: the portable artifact, as verified in S3 after the export. */
  artifact?: ExportArtifact;
  /** Set when pruning removed the point: when, and the rule that decided. */
  pruned?: { at: string; reasons: string[] };
  restoreTest?: {
    verdict: 'passed' | 'failed';
    rtoSeconds?: number;
    testedAt: string;
    evidence?: string;
    /** Why, in one word: `passed`, `agent-never-online`, `network-self-check-failed`, ... */
    outcome?: string;
    /** The restore-test run that reached the verdict. */
    runId?: string;
  };
}

/** One manifest part: its object key and the range of source keys it lists. */
export interface ManifestPartRef {
  key: string;
  firstKey?: string;
  lastKey?: string;
  lines: number;
  /** Only the part's keys after this one count (an earlier part standing in for a failed range's rest). */
  onlyAfter?: string;
  /** ...and only up to and including this one. */
  onlyThrough?: string;
}

export interface BucketCopyManifestRef {
  bucket: string;
  indexKey: string;
  /**
   * In key order: each part's keys come after the previous part's. Empty when the manifest has
   * more parts than fit in a catalog item (`partCount`): read them from the index then.
   */
  parts: ManifestPartRef[];
  partCount?: number;
  /** Key prefix of the copies in the backup bucket. */
  keyPrefix: string;
  objects: number;
  bytes: number;
  copied: number;
  failed: number;
}

export interface ExportArtifact {
  bucket: string;
  key: string;
  format: string;
  sizeBytes: number;
  etag?: string;
  checksum?: { algorithm: string; value: string };
}

export interface RecoveryPointTagInput {
  policy: string;
  sourceId: string;
  runId: string;
  createdAt: Date;
  expiresAt: string;
  copyOf?: CopySource;
}

/** Tags that let the catalog be rebuilt from the recovery points alone. */
export function recoveryPointTags(input: RecoveryPointTagInput): Tags {
  const tags: Tags = {
    [TagKeys.managedBy]: ManagedByValue,
    [TagKeys.policy]: input.policy,
    [TagKeys.source]: input.sourceId,
    [TagKeys.run]: input.runId,
    [TagKeys.createdAt]: input.createdAt.toISOString(),
    [TagKeys.expiresAt]: input.expiresAt,
  };
  if (input.copyOf) tags[TagKeys.copyOf] = formatCopyOf(input.copyOf);
  return tags;
}

/** `backup:copy-of` holds the source's ARN, which names both its region and its id. */
export function formatCopyOf(source: CopySource): string {
  const resource = source.id.startsWith('ami-') ? 'image' : 'snapshot';
  return `arn:aws:ec2:${source.region}::${resource}/${source.id}`;
}

export function parseCopyOf(value: string): CopySource | undefined {
  const match = /^arn:aws[a-z-]*:ec2:([a-z0-9-]+)::(?:snapshot|image)\/(.+)$/.exec(value);
  return match ? { region: match[1] ?? '', id: match[2] ?? '' } : undefined;
}
