import { randomUUID } from 'node:crypto';
import type { AwsErrorSpec, RenderedResponse } from '../error-responses.js';
import { escapeXml } from '../xml-elements.js';

/**
 * Request parsing and response rendering for the emulated operations: EC2's query
 * protocol (form parameters in, `<ActionResponse>` XML out) and the JSON protocol (SSM).
 */

/** An AWS error an emulated operation answers with, rendered in the call's protocol. */
export class EmulatedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get spec(): AwsErrorSpec {
    return { status: this.status, code: this.code, message: this.message };
  }
}

/** EC2's answer to a missing required parameter. */
export function missingParameter(name: string): EmulatedError {
  return new EmulatedError(
    400,
    'MissingParameter',
    `The request must contain the parameter ${name}`,
  );
}

/** EC2 query parameters (`Name`, `List.1`, `Struct.1.Field.2`), with scoped views. */
export class QueryParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  static parse(body: string | Buffer | undefined): QueryParams {
    const text = body === undefined ? '' : body.toString();
    return new QueryParams(new Map(new URLSearchParams(text)));
  }

  get(name: string): string | undefined {
    const value = this.values.get(name);
    return value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw missingParameter(name);
    return value;
  }

  /** `Prefix.1`, `Prefix.2`... in index order. */
  list(prefix: string): string[] {
    return this.indexes(prefix)
      .map((n) => this.values.get(`${prefix}.${n}`))
      .filter((v): v is string => v !== undefined);
  }

  /** `Prefix.1.*`, `Prefix.2.*`... as views with the `Prefix.N.` stripped. */
  members(prefix: string): QueryParams[] {
    return this.indexes(prefix).map((n) => this.scoped(`${prefix}.${n}`));
  }

  /** The parameters under `Prefix.` with that prefix stripped. */
  scoped(prefix: string): QueryParams {
    const head = `${prefix}.`;
    const scoped = new Map<string, string>();
    for (const [key, value] of this.values)
      if (key.startsWith(head)) scoped.set(key.slice(head.length), value);
    return new QueryParams(scoped);
  }

  private indexes(prefix: string): number[] {
    const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)(?:\\.|$)`);
    const found = new Set<number>();
    for (const key of this.values.keys()) {
      const n = pattern.exec(key)?.[1];
      if (n !== undefined) found.add(Number.parseInt(n, 10));
    }
    return [...found].sort((a, b) => a - b);
  }
}

/** EC2 filters (`Filter.N.Name`, `Filter.N.Value.M`) by name. */
export function ec2Filters(params: QueryParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (const filter of params.members('Filter')) {
    const name = filter.get('Name');
    if (name !== undefined)
      filters.set(name, [...(filters.get(name) ?? []), ...filter.list('Value')]);
  }
  return filters;
}

/** `<name>text</name>`, or nothing when the value is undefined. */
export function el(name: string, value: string | number | boolean | Date | undefined): string {
  if (value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<name>` around already-rendered XML. */
export function wrap(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** `<name><item>...</item>...</name>`, EC2's list shape. */
export function itemSet(name: string, items: readonly string[]): string {
  return wrap(name, items.map((item) => wrap('item', item)).join(''));
}

export function tagSet(tags: readonly { Key: string; Value: string }[]): string {
  return itemSet(
    'tagSet',
    tags.map((tag) => el('key', tag.Key) + el('value', tag.Value)),
  );
}

/** A successful EC2 answer: `<{Action}Response>` with a request id, as EC2 writes it. */
export function ec2Answer(action: string, inner: string): RenderedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">${el('requestId', randomUUID())}${inner}</${action}Response>`,
  };
}

/** A successful JSON-protocol answer. */
export function jsonAnswer(body: unknown): RenderedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(body),
  };
}

/** A JSON request body as an object (empty when absent or not an object). */
export function parseJsonBody(body: Buffer | undefined): Record<string, unknown> {
  if (body === undefined || body.length === 0) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    throw new EmulatedError(400, 'SerializationException', 'request body is not JSON');
  }
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
