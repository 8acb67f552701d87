import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (one level above infra/), independent of the current directory. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const handlersDir = join(repoRoot, 'functions', 'handlers');
export const lockFilePath = join(repoRoot, 'package-lock.json');
