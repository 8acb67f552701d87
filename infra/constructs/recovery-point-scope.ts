import type { IConstruct } from 'constructs';
import { drRegionsOf } from '../../functions/core/dr-regions.js';
import { backupBucketsOf, type BackupBuckets } from './bucket-copy-access.js';
import type { ExportDestinationRef } from './export-destination.js';
import type { CopyKeyTarget } from './snapshot-access.js';

/** One copy destination of a policy (`copyTo[]`). */
export interface CopyTarget extends CopyKeyTarget {
  /** A backup bucket named by the configuration instead of the DR stack's. */
  readonly bucket?: string | undefined;
}

/**
 * Where a deployment's recovery points live: the regions, keys and buckets every grant is
 * scoped to. Built once per stack (infra/stacks/stateless-stack.ts) from the configuration, so
 * the DR-region list and the backup buckets are computed in one place.
 */
export interface RecoveryPointScope {
  readonly primaryRegion: string;
  /** Every region any policy copies to, sorted, each once. */
  readonly drRegions: readonly string[];
  /** The primary region, then the DR regions. */
  readonly allRegions: readonly string[];
  /** Every copy destination of every policy (region, optional own key and backup bucket). */
  readonly copyTargets: readonly CopyTarget[];
  /** Alias of the DR key in each DR region. */
  readonly drKeyAlias: string;
  readonly backupBuckets: BackupBuckets;
  /** The export bucket and the VM Import/Export service role (stateful stack). */
  readonly exportDestination: ExportDestinationRef;
}

export function recoveryPointScope(
  scope: IConstruct,
  props: {
    primaryRegion: string;
    copyTargets: readonly CopyTarget[];
    drKeyAlias: string;
    /** Context `prefix`: the DR stacks name their backup buckets `<prefix>-backup-<account>-<region>`. */
    prefix: string;
    exportDestination: ExportDestinationRef;
  },
): RecoveryPointScope {
  const drRegions = drRegionsOf(props.copyTargets);
  return {
    primaryRegion: props.primaryRegion,
    drRegions,
    allRegions: [props.primaryRegion, ...drRegions],
    copyTargets: props.copyTargets,
    drKeyAlias: props.drKeyAlias,
    backupBuckets: backupBucketsOf(scope, props.prefix, drRegions, props.copyTargets),
    exportDestination: props.exportDestination,
  };
}
