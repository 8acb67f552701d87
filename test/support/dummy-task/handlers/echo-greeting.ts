import { z } from 'zod';
import { catalogEnvironment } from '../../../../functions/environment/catalog-environment.js';
import { environmentOf, lambdaHandler } from '../../../../functions/handlers/lambda-handler.js';

/** The dummy Task's handler: greets, and says which catalog its environment names. */
export const handler = lambdaHandler(z.object({ name: z.string() }), async (event, context) => {
  const environment = environmentOf(context);
  const { tableName, region } = catalogEnvironment.read(environment);
  const variables = Object.keys(environment).filter((name) => environment[name] !== undefined);
  return {
    greeting: `hello ${event.name}`,
    catalog: `${region}/${tableName}`,
    variables: variables.sort(),
  };
});
