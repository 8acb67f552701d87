import { pruneDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

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
export const PRUNE_REGION_TIMEOUT_SECONDS = 870;

/**
 * One prune of one policy (statemachines/prune.asl.json): plan the regions (the primary and each
 * copyTo region with its retention), prune each region in resumable turns (survey, plan, delete
 * what is due: images with their snapshots, snapshots, bucket-copy runs; mark them expired in the
 * catalog), and summarize. Only PruneRegion can delete, and only recovery points tagged as the
 * orchestrator's and object versions of the backup buckets (infra/constructs/prune-access.ts).
 */
export const pruneWorkflow = {
  name: 'prune',
  definitionFile: pruneDefinitionFile,
  environment: ['catalog'],
  tasks: {
    PlanPrune: {
      description:
        "Prune: list the regions of a policy's recovery points (primary and copies) with the retention of each",
      timeoutSeconds: 30,
      environment: ['backupBuckets'],
      // Plan only reads its input and the environment: no grant beyond logs.
      clients: [],
    },
    PruneRegion: {
      description:
        "Prune: one resumable turn in one region: survey the policy's recovery points, plan with the retention, deregister, delete and expire what is due, and mark it expired in the catalog",
      timeoutSeconds: PRUNE_REGION_TIMEOUT_SECONDS,
      memoryMb: PRUNE_REGION_MEMORY_MB,
      grant: ({ fn, catalog, prune }) => {
        prune.grantSurvey(fn);
        prune.grantDeleteRecoveryPoints(fn);
        prune.grantExpireBucketRuns(fn);
        prune.grantDeleteExports(fn);
        // GetItem the indexed point, PutItem/BatchWriteItem it back marked expired; an image's
        // exports are found by source (the bySource index).
        catalog.grantRecordRecoveryPoints(fn);
        catalog.grantQueryBySource(fn);
      },
      clients: ['dynamodb', 'ec2', 's3'],
    },
    SummarizePrune: {
      description:
        'Prune: summarize what was kept, deleted and why per region, and publish the prune metrics',
      timeoutSeconds: 30,
      // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.
      clients: [],
    },
  },
} as const satisfies WorkflowSpec;
