import type { BackupConfig } from '../functions/core/config.js';
import { InvalidInputError } from '../functions/core/errors.js';
import { apiRestoreClient } from './restore-api-client.js';
import { localRestoreClient, type RestoreClient } from './restore-client.js';

/** How `backupctl restore`/`restores` reach restores: the API, or this process. */
export interface RestoreClientOptions {
  /** The restore API's base URL (`https://…/v1`); default $BACKUP_API_URL. */
  api?: string;
  local?: boolean;
  region?: string;
  catalogTable?: string;
  restoreTable?: string;
}

/**
 * The API when `--api URL` (or $BACKUP_API_URL) is given, else the same service in this process
 * (`--local`); both at once is a usage error.
 */
export async function restoreClientOf(
  options: RestoreClientOptions,
  config: Pick<BackupConfig, 'primaryRegion' | 'restore'>,
): Promise<{ client: RestoreClient; local: boolean }> {
  const api = options.api ?? (options.local ? undefined : process.env.BACKUP_API_URL);
  if (api && options.local) throw new InvalidInputError('give --api URL or --local, not both');
  const region = options.region ?? config.primaryRegion;
  if (api) return { client: apiRestoreClient(api, region), local: false };
  return {
    client: await localRestoreClient({
      region,
      ...(options.catalogTable ? { catalogTable: options.catalogTable } : {}),
      ...(options.restoreTable ? { restoreTable: options.restoreTable } : {}),
      allowLists: config.restore,
    }),
    local: true,
  };
}
