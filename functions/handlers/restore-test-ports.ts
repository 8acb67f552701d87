import { ec2SsmRestoreLab } from '../adapters/ec2-ssm-restore-lab.js';
import type { RestoreLab } from '../ports/restore-lab.js';

/** Restore labs wired to AWS (their four ports), one per region, created once per Lambda container. */
const labs = new Map<string, RestoreLab>();

export function restoreLabFor(region: string): RestoreLab {
  let lab = labs.get(region);
  if (!lab) {
    lab = ec2SsmRestoreLab(region);
    labs.set(region, lab);
  }
  return lab;
}
