import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import type { EnvironmentSource } from '../environment/environment-contract.js';
import { logger } from '../observability/powertools.js';

/**
 * The middy chain every handler shares: Powertools logging context, then the event parsed with
 * its zod schema (a malformed event fails with ParseError before anything is touched), then the
 * step.
 */
export function lambdaHandler<Schema extends z.ZodType, Result>(
  schema: Schema,
  step: (event: z.infer<Schema>, context: Context) => Promise<Result>,
) {
  return middy<z.infer<Schema>, Result>()
    .use(injectLambdaContext(logger))
    .use(parser({ schema }))
    .handler(step);
}

/**
 * The environment a handler reads its settings from: `process.env` in Lambda; the values the
 * local runner hands over with the context (statemachines/local/lambda-context.ts), so a local
 * run never writes `process.env`.
 */
export function environmentOf(context: Context): EnvironmentSource {
  return (context as Partial<LocalContext>).environment ?? process.env;
}

/** A Lambda context that carries its function's environment (the local runner's). */
export interface LocalContext extends Context {
  readonly environment: EnvironmentSource;
}

/** True while the invocation has more than `reserveMs` left: long steps stop starting work then. */
export function timeLeft(context: Context, reserveMs = 30_000): () => boolean {
  return () =>
    typeof context.getRemainingTimeInMillis !== 'function' ||
    context.getRemainingTimeInMillis() > reserveMs;
}
