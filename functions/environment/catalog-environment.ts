import { environmentContract } from './environment-contract.js';
import { providedByLambda, text } from './environment-variables.js';

/** The recovery-point catalog: every step that indexes or reads recovery points. */
export const catalogEnvironment = environmentContract('the catalog', {
  tableName: text('CATALOG_TABLE_NAME', 'the name of the catalog table'),
  region: providedByLambda('AWS_REGION', 'the region the catalog table is in'),
});
