/** Tag keys are a public contract (DESIGN.md §2): changing one orphans existing recovery points. */
export const TagKeys = {
  policy: 'backup:policy',
  exclude: 'backup:exclude',
  managedBy: 'backup:managed-by',
  source: 'backup:source',
  run: 'backup:run',
  createdAt: 'backup:created-at',
  expiresAt: 'backup:expires-at',
  copyOf: 'backup:copy-of',
} as const;

/** Value of `backup:managed-by` on everything this product creates. */
export const ManagedByValue = 'backup-orchestrator';

export type Tags = Record<string, string>;
