import { environmentContract } from './environment-contract.js';
import { optionalStringMap } from './environment-variables.js';

/** The DR stack's backup bucket of each DR region, for copyTo entries that name none. */
export const backupBucketsEnvironment = environmentContract('the backup buckets', {
  byRegion: optionalStringMap('BACKUP_BUCKETS', 'a JSON object of region to bucket name'),
});
