import { DynamoDbRecoveryPointCatalog } from '../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.js';
import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import { InvalidInputError } from '../../functions/core/errors.js';
import { bucketCopyAt, restoreBucketCopy } from '../../functions/steps/restore-bucket-copy.js';
import { ExitCode } from '../exit-codes.js';
import { catalogTableName, type GlobalOptions } from '../global-options.js';
import { printJson, printLines } from '../output.js';
import { startProgress } from '../progress.js';

export interface RestoreCommandOptions extends GlobalOptions {
  recoveryPoint?: string;
  source?: string;
  at?: string;
  targetBucket?: string;
  targetRegion?: string;
  prefix?: string;
  targetPrefix?: string;
  catalogTable?: string;
}

/**
 * Restores objects from a bucket copy: a whole bucket or a prefix, at a run (--recovery-point) or
 * at a time (--source and --at), into a chosen bucket and prefix.
 */
export async function restoreCommand(options: RestoreCommandOptions): Promise<number> {
  const config = loadConfigFile(configPath(options.config));
  if (!options.targetBucket)
    throw new InvalidInputError('--target-bucket is required: the bucket to restore objects into');
  const catalog = DynamoDbRecoveryPointCatalog.inRegion(
    catalogTableName(options.catalogTable),
    options.region ?? config.primaryRegion,
  );
  const point = await findPoint(catalog, options);
  if (point.kind !== 'bucket-copy') {
    throw new InvalidInputError(
      `recovery point ${point.id} is a ${point.kind}; this build restores objects from bucket copies (volume and instance restores come with the restore API)`,
    );
  }
  const progress = startProgress(`restoring ${point.sourceId} from ${point.id}`);
  const result = await restoreBucketCopy(
    {
      point,
      targetBucket: options.targetBucket,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      ...(options.targetPrefix ? { targetPrefix: options.targetPrefix } : {}),
    },
    {
      backup: new S3ObjectStore(point.region),
      target: new S3ObjectStore(options.targetRegion ?? config.primaryRegion),
    },
  );
  progress.succeed(
    `restored ${result.restored} objects (${result.bytes} bytes) into s3://${options.targetBucket}/${options.targetPrefix ?? ''}`,
  );
  if (options.json) printJson(result);
  else {
    printLines([
      `restored ${result.restored} objects, ${result.bytes} bytes, from ${result.recoveryPoint}`,
      ...(result.failures.length > 0
        ? [
            `failures: ${result.failures.length}`,
            ...result.failures.map(
              (failure) => `  ${failure.key} ${failure.name}: ${failure.message}`,
            ),
          ]
        : ['failures: none']),
    ]);
  }
  return result.failures.length > 0 ? ExitCode.somethingFailed : ExitCode.ok;
}

async function findPoint(catalog: DynamoDbRecoveryPointCatalog, options: RestoreCommandOptions) {
  if (options.recoveryPoint) {
    const point = await catalog.get(options.recoveryPoint);
    if (!point)
      throw new InvalidInputError(`recovery point ${options.recoveryPoint} is not in the catalog`);
    return point;
  }
  if (!options.source || !options.at) {
    throw new InvalidInputError(
      'give --recovery-point ID, or --source BUCKET with --at TIME (ISO-8601) for a point in time',
    );
  }
  const at = new Date(options.at);
  if (Number.isNaN(at.getTime()))
    throw new InvalidInputError(`--at must be an ISO-8601 time, got "${options.at}"`);
  const point = bucketCopyAt(
    await catalog.list({ sourceId: options.source, kind: 'bucket-copy' }),
    options.source,
    at,
  );
  if (!point)
    throw new InvalidInputError(
      `no copy of bucket ${options.source} was made at or before ${at.toISOString()}`,
    );
  return point;
}
