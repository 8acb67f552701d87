import { Duration, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BackupFunction } from './backup-function.js';
import { workflowStateMachine, workflowSteps } from './workflow-steps.js';
import type { CopyTarget } from './backup-workflow.js';
import { backupBucketsOf } from './bucket-copy-access.js';
import type { CatalogTable } from './catalog-table.js';
import type { ExportDestinationRef } from './export-destination.js';
import { PruneAccess } from './prune-access.js';

export interface PruneWorkflowProps {
  readonly stateMachineName: string;
  readonly definitionFile: string;
  readonly handlersDir: string;
  readonly catalog: CatalogTable;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly primaryRegion: string;
  /** Every copy destination of every policy: the DR regions and backup buckets a prune visits. */
  readonly copyTargets: readonly CopyTarget[];
  /** Alias of the DR key in each DR region (it encrypts the backup buckets). */
  readonly drKeyAlias: string;
  /** Context `prefix`: the DR stacks name their backup buckets `<prefix>-backup-<account>-<region>`. */
  readonly prefix: string;
  /** The stack's export bucket: an image's exports expire with it. */
  readonly exportDestination: ExportDestinationRef;
}

/** The step functions of the prune state machine, keyed by their ASL placeholder. */
export interface PruneFunctions {
  readonly PlanPruneFunctionArn: BackupFunction;
  readonly PruneRegionFunctionArn: BackupFunction;
  readonly SummarizePruneFunctionArn: BackupFunction;
}

/**
 * PruneRegion surveys a whole region (every snapshot and image of the policy, the manifests of
 * its bucket-copy runs) and plans in memory before it deletes.
 */
export const PRUNE_REGION_MEMORY_MB = 1024;
/**
 * PruneRegion's timeout: as long as Lambda allows while staying below the Task's TimeoutSeconds
 * (900) in prune.asl.json, so the function's own timeout, not States.Timeout, ends a stuck turn.
 * The handler stops taking work with 60 s left; the next turn resumes from what is left.
 */
export const PRUNE_REGION_TIMEOUT = Duration.seconds(870);

/**
 * One prune of one policy (statemachines/prune.asl.json): plan the regions (the primary and each
 * copyTo region with its retention), prune each region in resumable turns (survey, plan, delete
 * what is due: images with their snapshots, snapshots, bucket-copy runs; mark them expired in the
 * catalog), and summarize. Only PruneRegion can delete, and only recovery points tagged as the
 * orchestrator's and object versions of the backup buckets.
 */
export class PruneWorkflow extends Construct {
  readonly functions: PruneFunctions;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: PruneWorkflowProps) {
    super(scope, id);
    const step = workflowSteps(this, {
      handlersDir: props.handlersDir,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
      environment: { CATALOG_TABLE_NAME: props.catalog.table.tableName },
    });
    const drRegions = [...new Set(props.copyTargets.map((target) => target.region))].sort();
    const primaryAndDr = [props.primaryRegion, ...drRegions];
    const backupBuckets = backupBucketsOf(this, props.prefix, props.copyTargets);

    const plan = step(
      'PlanPrune',
      'plan-prune.ts',
      "Prune: list the regions of a policy's recovery points (primary and copies) with the retention of each",
      Duration.seconds(30),
      {
        // Backup bucket per DR region, for copyTo entries that name none.
        BACKUP_BUCKETS: Stack.of(this).toJsonString(
          Object.fromEntries(
            backupBuckets.defaults.map((target) => [target.region, target.bucketName]),
          ),
        ),
      },
    );
    // Plan only reads its input and the environment: no grant beyond logs.

    const pruneRegion = step(
      'PruneRegion',
      'prune-region.ts',
      "Prune: one resumable turn in one region: survey the policy's recovery points, plan with the retention, deregister, delete and expire what is due, and mark it expired in the catalog",
      PRUNE_REGION_TIMEOUT,
      {},
      PRUNE_REGION_MEMORY_MB,
    );
    PruneAccess.survey(pruneRegion);
    PruneAccess.deleteRecoveryPoints(pruneRegion, primaryAndDr);
    PruneAccess.expireBucketRuns(pruneRegion, backupBuckets.all, props.drKeyAlias);
    PruneAccess.deleteExports(pruneRegion, props.exportDestination);
    // GetItem the indexed point, PutItem/BatchWriteItem it back marked expired; an image's
    // exports are found by source (the bySource index).
    props.catalog.grantRecordRecoveryPoints(pruneRegion.role);
    props.catalog.grantQueryBySource(pruneRegion.role);

    const summarize = step(
      'SummarizePrune',
      'summarize-prune.ts',
      'Prune: summarize what was kept, deleted and why per region, and publish the prune metrics',
      Duration.seconds(30),
    );
    // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.

    this.functions = {
      PlanPruneFunctionArn: plan,
      PruneRegionFunctionArn: pruneRegion,
      SummarizePruneFunctionArn: summarize,
    };
    this.stateMachine = workflowStateMachine(this, {
      definitionFile: props.definitionFile,
      stateMachineName: props.stateMachineName,
      functions: this.functions,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
    });
  }
}
