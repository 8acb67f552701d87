import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { ExitCode } from '../exit-codes.js';
import { catalogTableName, type GlobalOptions } from '../global-options.js';
import { formatTable, printJson, printLines } from '../output.js';

export interface RecoveryPointsCommandOptions extends GlobalOptions {
  source?: string;
  policy?: string;
  kind?: RecoveryPoint['kind'];
  catalogTable?: string;
}

/** Lists the catalog, newest first, filtered by source, policy and kind. */
export async function recoveryPointsCommand(
  options: RecoveryPointsCommandOptions,
): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  const catalog = DynamoDbRecoveryPointCatalog.inRegion(
    catalogTableName(options.catalogTable),
    options.region ?? config.primaryRegion,
  );
  const points = await catalog.list({
    ...(options.source ? { sourceId: options.source } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.kind ? { kind: options.kind } : {}),
  });
  if (options.json) {
    printJson(points);
    return ExitCode.ok;
  }
  printLines([
    `${points.length} recovery points`,
    ...formatTable(
      ['id', 'kind', 'source', 'region', 'policy', 'state', 'created', 'expires', 'copy of'],
      points.map((point) => [
        point.id,
        point.kind,
        point.sourceId,
        point.region,
        point.policy,
        point.state,
        point.createdAt,
        point.expiresAt,
        point.copyOf ? `${point.copyOf.id}@${point.copyOf.region}` : '',
      ]),
    ),
  ]);
  return ExitCode.ok;
}
