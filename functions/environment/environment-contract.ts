import * as z from 'zod';
import { InvalidInputError } from '../core/errors.js';

/** Where a function's environment comes from: `process.env` in Lambda, given values locally. */
export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

/** One environment variable of a contract: its name, what it must be, and its zod schema. */
export interface EnvironmentVariable<Value = unknown> {
  readonly name: string;
  /** What the value must be, in words, for messages: "a subnet id". */
  readonly what: string;
  /** Parses the trimmed raw value (undefined when unset or blank). */
  readonly schema: z.ZodType<Value, string | undefined>;
  readonly optional: boolean;
  /** Set by the Lambda runtime (AWS_REGION), never by the stack. */
  readonly providedByLambda: boolean;
}

type Fields = Record<string, EnvironmentVariable>;
export type EnvironmentValues<F extends Fields> = {
  readonly [K in keyof F]: F[K] extends EnvironmentVariable<infer V> ? V : never;
};
type Rendered<F extends Fields> = {
  [K in keyof F]: F[K]['providedByLambda'] extends true ? never : K;
}[keyof F];
type Optional<F extends Fields> = {
  [K in keyof F]: F[K]['optional'] extends true ? K : never;
}[keyof F];

/** The values the stack sets, as strings (CDK tokens welcome); optional ones may be left out. */
export type RenderedValues<F extends Fields> = {
  [K in Exclude<Rendered<F>, Optional<F>>]: string;
} & {
  [K in Extract<Rendered<F>, Optional<F>>]?: string;
};

/**
 * The environment one group of functions reads, declared once: the stack renders it
 * (`render`), handlers read it (`read`), both from the same names. Reading parses every variable
 * with zod and names every problem in one InvalidInputError before any work starts; the result is
 * kept per source, so in Lambda the environment is parsed once per container.
 */
export interface EnvironmentContract<F extends Fields> {
  /** For messages: "the restore-test network". */
  readonly subject: string;
  readonly fields: F;
  readonly variableNames: readonly string[];
  parse(source: EnvironmentSource): EnvironmentValues<F>;
  read(source?: EnvironmentSource): EnvironmentValues<F>;
  render(values: RenderedValues<F>): Record<string, string>;
}

export function environmentContract<F extends Fields>(
  subject: string,
  fields: F,
): EnvironmentContract<F> {
  const schema = z.object(
    Object.fromEntries(Object.values(fields).map((field) => [field.name, field.schema])),
  );
  const cache = new WeakMap<EnvironmentSource, EnvironmentValues<F>>();
  const parse = (source: EnvironmentSource): EnvironmentValues<F> => {
    const raw = Object.fromEntries(
      Object.values(fields).map((field) => [field.name, source[field.name]?.trim() || undefined]),
    );
    const result = schema.safeParse(raw);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => problemOf(fields, issue, raw));
      throw new InvalidInputError(`${subject} is not configured: ${problems.join('; ')}`);
    }
    const byName = result.data as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(fields).map(([key, field]) => [key, byName[field.name]]),
    ) as EnvironmentValues<F>;
  };
  return {
    subject,
    fields,
    variableNames: Object.values(fields).map((field) => field.name),
    parse,
    read(source = process.env) {
      const cached = cache.get(source) ?? parse(source);
      cache.set(source, cached);
      return cached;
    },
    render(values) {
      const given = values as Record<string, string | undefined>;
      return Object.fromEntries(
        Object.entries(fields)
          .filter(([key, field]) => !field.providedByLambda && given[key] !== undefined)
          .map(([key, field]) => [field.name, given[key] as string]),
      );
    },
  };
}

function problemOf(
  fields: Fields,
  issue: z.core.$ZodIssue,
  raw: Record<string, string | undefined>,
): string {
  const name = String(issue.path[0]);
  const field = Object.values(fields).find((candidate) => candidate.name === name);
  const what = field?.what ?? issue.message;
  const value = raw[name];
  return value === undefined
    ? `${name} is not set (${what})`
    : `${name} must be ${what}, got "${value}"`;
}
