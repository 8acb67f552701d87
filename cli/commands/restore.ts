import { randomUUID } from 'node:crypto';
import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import type { RestoreRecord } from '../../functions/core/restore/restore-record.js';
import { ExitCode } from '../exit-codes.js';
import { followRestore, describeRestore } from '../follow-restore.js';
import type { GlobalOptions } from '../global-options.js';
import { printJson, printLines } from '../output.js';
import { startProgress } from '../progress.js';
import { restoreClientOf, type RestoreClientOptions } from '../restore-client-of.js';
import type { RestoreClient } from '../restore-client.js';
import {
  restoreKindOf,
  restoreRequestOf,
  type RestoreRequestOptions,
} from '../restore-request-options.js';

export interface RestoreCommandOptions
  extends GlobalOptions, RestoreRequestOptions, RestoreClientOptions {
  wait?: boolean;
  cancel?: string;
  idempotencyKey?: string;
}

/**
 * Restores a recovery point of any kind (volume, instance, objects, image), through the restore
 * API (`--api URL`) or in this process (`--local`, the default without an API), or cancels one.
 * A local restore is always followed to its end (the process runs it); through the API, `--wait`
 * follows it.
 */
export async function restoreCommand(options: RestoreCommandOptions): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  const client = await restoreClientOf(options, config);
  if (options.cancel) return cancel(client.client, options.cancel, options);
  const pointKind =
    options.kind === undefined && options.recoveryPoint?.startsWith('s3://')
      ? (await client.client.recoveryPoint(options.recoveryPoint)).kind
      : undefined;
  const kind = restoreKindOf(options, pointKind);
  const request = restoreRequestOf(kind, options);
  const progress = startProgress(`${request.dryRun ? 'checking' : 'starting'} a ${kind} restore`);
  const started = await client.client.start(request, options.idempotencyKey ?? randomUUID());
  if (started.dryRun) {
    progress.succeed(`dry run: every check passed; nothing was created`);
    if (options.json) printJson(started);
    else
      printLines([
        `dry run of a ${kind} restore from ${started.recoveryPointId} in ${started.region}: every check passed`,
      ]);
    return ExitCode.ok;
  }
  if (!client.local && !options.wait) {
    progress.succeed(`restore ${started.restoreId} ${started.status}`);
    if (options.json) printJson(started);
    else
      printLines([
        `restore ${started.restoreId}: ${started.status} (follow it: backupctl restores ${started.restoreId})`,
      ]);
    return ExitCode.ok;
  }
  const record = await followRestore(client.client, started.restoreId, { progress });
  return report(record, options, progress);
}

function report(
  record: RestoreRecord,
  options: RestoreCommandOptions,
  progress: ReturnType<typeof startProgress>,
): number {
  const succeeded = record.status === 'COMPLETED';
  if (succeeded) progress.succeed(`restore ${record.restoreId} COMPLETED`);
  else progress.fail(`restore ${record.restoreId} ${record.status}`);
  if (options.json) printJson(record);
  else printLines(describeRestore(record));
  return succeeded ? ExitCode.ok : ExitCode.somethingFailed;
}

async function cancel(
  client: RestoreClient,
  restoreId: string,
  options: RestoreCommandOptions,
): Promise<number> {
  const record = await client.cancel(restoreId);
  if (options.json) printJson(record);
  else printLines(describeRestore(record));
  const left = record.createdResources.filter((resource) => resource.cleanedUp === false);
  return left.length === 0 ? ExitCode.ok : ExitCode.somethingFailed;
}
