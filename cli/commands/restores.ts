import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import type { RestoreStatus } from '../../functions/core/restore/restore-record.js';
import type { RestoreKind } from '../../functions/core/restore/restore-request.js';
import { ExitCode } from '../exit-codes.js';
import { describeProgress, describeRestore } from '../follow-restore.js';
import type { GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';
import { restoreClientOf, type RestoreClientOptions } from '../restore-client-of.js';

export interface RestoresCommandOptions extends GlobalOptions, RestoreClientOptions {
  status?: RestoreStatus;
  kind?: RestoreKind;
  limit?: string;
  nextToken?: string;
}

/** `backupctl restores [ID]`: one restore, whole, or a page of them, newest first. */
export async function restoresCommand(
  restoreId: string | undefined,
  options: RestoresCommandOptions,
): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  const { client } = await restoreClientOf(options, config);
  if (restoreId) {
    const record = await client.get(restoreId);
    if (options.json) printJson(record);
    else printLines(describeRestore(record));
    return ExitCode.ok;
  }
  const page = await client.list({
    ...(options.status ? { status: options.status } : {}),
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.limit ? { limit: Number(options.limit) } : {}),
    ...(options.nextToken ? { nextToken: options.nextToken } : {}),
  });
  if (options.json) {
    printJson(page);
    return ExitCode.ok;
  }
  printLines([
    ...formatTable(
      ['restore', 'kind', 'from', 'status', 'created', 'completed'],
      page.items.map((record) => [
        record.restoreId,
        record.kind,
        record.recoveryPointId,
        describeProgress(record),
        record.createdAt,
        record.completedAt ?? '',
      ]),
    ),
    ...(page.nextToken ? [`more: --next-token ${page.nextToken}`] : []),
  ]);
  return ExitCode.ok;
}
