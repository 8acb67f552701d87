import type { BackupConfig } from './config.js';

/**
 * The DR regions some copy targets go to: each once, sorted, so what is built per region (the DR
 * stacks, the key and bucket grants in infra/constructs) comes out in the same order every time.
 */
export function drRegionsOf(targets: readonly { readonly region: string }[]): string[] {
  return [...new Set(targets.map((target) => target.region))].sort();
}

/** Every DR region any policy of the configuration copies to (one DR stack each). */
export function drRegionsOfConfig(config: BackupConfig): string[] {
  return drRegionsOf(Object.values(config.policies).flatMap((policy) => policy.copyTo));
}
