import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (one level above infra/), independent of the current directory. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const handlersDir = join(repoRoot, 'functions', 'handlers');
export const lockFilePath = join(repoRoot, 'package-lock.json');

/** The restore API's Lambda entry (the hono app of functions/api/, exporting `handler`). */
export const restoreApiEntry = join(repoRoot, 'functions', 'api', 'lambda.ts');
