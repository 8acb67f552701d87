import type { IncomingHttpHeaders } from 'node:http';
import { s3OperationName } from './s3-operation-name.js';

/**
 * How a request is encoded on the wire; decides how an injected error must look for the
 * SDK to parse it (EC2's XML, the query protocol's XML, JSON, S3's REST XML...).
 */
export type WireProtocol = 'ec2' | 'query' | 'json' | 'rest-xml' | 'rest-json' | 'rpc-v2-cbor';

/** What an AWS API request is: who it is for and which operation it calls. */
export interface AwsCall {
  /** SigV4 signing name, e.g. `ec2`, `dynamodb`, `s3`; `unknown` for unsigned requests. */
  service: string;
  /** Region from the credential scope, e.g. `us-east-1`; `unknown` when absent. */
  region: string;
  /** e.g. `CreateSnapshot`, `PutItem`, `GetObject`. */
  operation: string;
  protocol: WireProtocol;
}

export interface RequestFacts {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body, when it is form-encoded (query protocols put `Action=` there). */
  formBody?: string | undefined;
}

/** Services whose REST API is XML (S3's family); the rest of the REST services speak JSON. */
const REST_XML_SERVICES = new Set(['s3', 's3-object-lambda', 's3express']);

/** Works out service, region and operation the way AWS would route the request. */
export function describeCall(facts: RequestFacts): AwsCall {
  const url = new URL(facts.url, 'http://test-cloud.invalid');
  const { service, region } = credentialScope(facts.headers, url);
  const target = header(facts.headers, 'x-amz-target');
  if (target !== undefined) {
    // JSON protocols: `DynamoDB_20120810.PutItem`, `AmazonSSM.SendCommand`.
    return {
      service,
      region,
      operation: target.slice(target.lastIndexOf('.') + 1),
      protocol: 'json',
    };
  }
  const cbor = /^\/service\/[^/]+\/operation\/([^/?]+)/.exec(url.pathname);
  if (cbor?.[1] !== undefined && header(facts.headers, 'smithy-protocol') === 'rpc-v2-cbor') {
    return { service, region, operation: cbor[1], protocol: 'rpc-v2-cbor' };
  }
  const action = url.searchParams.get('Action') ?? formAction(facts.formBody);
  if (action !== undefined) {
    return { service, region, operation: action, protocol: service === 'ec2' ? 'ec2' : 'query' };
  }
  if (REST_XML_SERVICES.has(service)) {
    return {
      service,
      region,
      operation: s3OperationName(facts.method, url, facts.headers),
      protocol: 'rest-xml',
    };
  }
  // Other REST-JSON services (Lambda, Scheduler...): no operation name on the wire; the
  // method and the first two path segments are stable enough to count by.
  const route = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .slice(0, 2)
    .join('/');
  return { service, region, operation: `${facts.method} /${route}`, protocol: 'rest-json' };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function formAction(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  return new URLSearchParams(body).get('Action') ?? undefined;
}

/**
 * Service and region from the SigV4 credential scope `AKID/date/region/service/aws4_request`,
 * found in the Authorization header or, for presigned URLs, in `X-Amz-Credential`.
 * SigV4a scopes have no region (`AKID/date/service/aws4_request`); it is in X-Amz-Region-Set.
 */
function credentialScope(
  headers: IncomingHttpHeaders,
  url: URL,
): { service: string; region: string } {
  const fromHeader = /Credential=([^,\s]+)/.exec(header(headers, 'authorization') ?? '')?.[1];
  const scope = fromHeader ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  const parts = scope?.split('/') ?? [];
  if (parts.length === 5) return { service: parts[3] ?? 'unknown', region: parts[2] ?? 'unknown' };
  if (parts.length === 4) {
    return {
      service: parts[2] ?? 'unknown',
      region: header(headers, 'x-amz-region-set') ?? 'unknown',
    };
  }
  return { service: 'unknown', region: 'unknown' };
}
