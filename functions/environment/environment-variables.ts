import * as z from 'zod';
import type { EnvironmentVariable } from './environment-contract.js';

/** A required text variable; `pattern` (if given) is what it must match, `what` says it in words. */
export function text(
  name: string,
  what: string,
  pattern?: RegExp,
): EnvironmentVariable<string> & { optional: false; providedByLambda: false } {
  const schema = pattern ? z.string().regex(pattern) : z.string();
  return { name, what, schema, optional: false, providedByLambda: false };
}

/** An optional text variable: undefined when unset. */
export function optionalText(
  name: string,
  what: string,
): EnvironmentVariable<string | undefined> & { optional: true; providedByLambda: false } {
  return { name, what, schema: z.string().optional(), optional: true, providedByLambda: false };
}

/** A variable the Lambda runtime sets (AWS_REGION); the stack never renders it. */
export function providedByLambda(
  name: string,
  what: string,
): EnvironmentVariable<string> & { optional: false; providedByLambda: true } {
  return { ...text(name, what), providedByLambda: true };
}

/** Text with a default, for settings the stack may leave out (Powertools' names). */
export function textWithDefault(
  name: string,
  what: string,
  fallback: string,
): EnvironmentVariable<string> & { optional: true; providedByLambda: false } {
  return {
    name,
    what,
    schema: z.string().default(fallback),
    optional: true,
    providedByLambda: false,
  };
}

/** An optional JSON object of string values: `{}` when unset. */
export function optionalStringMap(
  name: string,
  what: string,
): EnvironmentVariable<Readonly<Record<string, string>>> & {
  optional: true;
  providedByLambda: false;
} {
  const schema = z
    .string()
    .optional()
    .transform((raw, context) => {
      if (raw === undefined) return {};
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.string()));
  return { name, what, schema, optional: true, providedByLambda: false };
}

/** A comma-separated list of values each matching `pattern`. */
export function textList(
  name: string,
  what: string,
  pattern: RegExp,
): EnvironmentVariable<readonly string[]> & { optional: false; providedByLambda: false } {
  const schema = z
    .string()
    .transform((raw) => raw.split(',').map((entry) => entry.trim()))
    .pipe(z.array(z.string().regex(pattern)).min(1));
  return { name, what, schema, optional: false, providedByLambda: false };
}
