import { Ec2RestoreCleanup } from '../adapters/ec2-restore-cleanup.js';
import { Ec2RestoreVerdictTags } from '../adapters/ec2-restore-verdict-tags.js';
import { ec2SsmRestoreLab } from '../adapters/ec2-ssm-restore-lab.js';
import type { RestoreCleanup } from '../ports/restore-cleanup.js';
import type { RestoreLab } from '../ports/restore-lab.js';
import type { RestoreVerdictTags } from '../ports/restore-verdict-tags.js';
import { perRegion } from './per-region.js';

/**
 * The restore-test ports wired to AWS, one per region, made on first use: the whole lab (EC2 and
 * SSM) for the Task that boots and verifies images, and each EC2-only port alone for the Tasks
 * that only clean up or only tag verdicts, so those bundle no SSM client.
 */
export const restoreLabFor: (region: string) => RestoreLab = /* @__PURE__ */ perRegion((region) =>
  ec2SsmRestoreLab(region),
);
export const restoreCleanupFor: (region: string) => RestoreCleanup = /* @__PURE__ */ perRegion(
  (region) => new Ec2RestoreCleanup(region),
);
export const restoreVerdictTagsFor: (region: string) => RestoreVerdictTags =
  /* @__PURE__ */ perRegion((region) => new Ec2RestoreVerdictTags(region));
