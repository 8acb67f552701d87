import { previewPruneRun, runPrune } from '../../run-prune.js';
import { catalogTable, demoConfig, drRegion } from './demo-config.js';
import { volumeSnapshotsOfFirstRun } from './read-back.js';

/** Chapter 8: retention applied in each region, every decision with its reasons. */
export interface DemoPrune {
  plan: {
    region: string;
    decisions: { id: string; kind: string; action: string; reasons: string[] }[];
  }[];
  summary: Awaited<ReturnType<typeof runPrune>>;
  /** Read back after the prune: the first run's snapshot copies left in the DR region. */
  drSnapshotCopiesOfFirstRunLeft: number;
}

export async function runDemoPrune(): Promise<DemoPrune> {
  const pruneRun = {
    config: demoConfig,
    policyName: 'daily',
    runId: 'demo-prune-1',
    local: true,
    catalogTable,
  };
  const prunePlan = await previewPruneRun(pruneRun);
  const summary = await runPrune(pruneRun);
  const drSnapshotCopiesOfFirstRunLeft = (await volumeSnapshotsOfFirstRun(drRegion)).length;
  return {
    plan: prunePlan.regions.map((region) => ({
      region: region.region,
      decisions: region.entries.map(({ point, action, reasons }) => ({
        id: point.id,
        kind: point.kind,
        action,
        reasons,
      })),
    })),
    summary,
    drSnapshotCopiesOfFirstRunLeft,
  };
}
