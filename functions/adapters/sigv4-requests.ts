import { createHash, timingSafeEqual } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { BackupError } from '../core/errors.js';

export type { AwsCredentialIdentityProvider };

/** API Gateway's SigV4 service name (issue 11's contract). */
export const apiSigningService = 'execute-api';
/** How far a signature's time may be from now, as AWS allows. */
const allowedSkewMs = 15 * 60 * 1000;

/** A request refused because its signature is missing or wrong (the API answers 403). */
export class SignatureRejectedError extends BackupError {}

export interface HttpRequestParts {
  method: string;
  url: string;
  headers: Headers | Record<string, string>;
  body?: Uint8Array | string;
}

/** The credentials SigV4 signs and verifies with: the configured ones (the SDK's chain). */
export function configuredCredentials(): AwsCredentialIdentityProvider {
  return defaultProvider();
}

function signerFor(
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
  region: string,
) {
  return new SignatureV4({
    credentials,
    region,
    service: apiSigningService,
    sha256: Hash.bind(null, 'sha256'),
  });
}

function httpRequestOf(parts: HttpRequestParts, headers: Record<string, string>): HttpRequest {
  const url = new URL(parts.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const held = query[key];
    query[key] = held === undefined ? value : [...(Array.isArray(held) ? held : [held]), value];
  }
  return new HttpRequest({
    method: parts.method.toUpperCase(),
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers,
    ...(parts.body !== undefined && parts.body.length > 0 ? { body: parts.body } : {}),
  });
}

/** The request's headers with SigV4's added (Authorization, X-Amz-Date, the payload hash). */
export async function signApiRequest(
  parts: HttpRequestParts,
  region: string,
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider = configuredCredentials(),
): Promise<Record<string, string>> {
  const headers: Record<string, string> = { host: new URL(parts.url).host };
  new Headers(parts.headers).forEach((value, key) => (headers[key] = value));
  const signed = await signerFor(credentials, region).sign(httpRequestOf(parts, headers));
  return signed.headers;
}

interface SignatureClaims {
  accessKeyId: string;
  scope: string[];
  signedHeaders: string[];
  signature: string;
}

function claimsOf(authorization: string | null): SignatureClaims {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization ?? '',
    );
  if (!match) throw new SignatureRejectedError('the request is not signed with AWS SigV4');
  const [, accessKeyId, scope, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    scope: (scope as string).split('/'),
    signedHeaders: (signedHeaders as string).split(';'),
    signature: signature as string,
  };
}

function signingDateOf(amzDate: string | null, now: Date): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  if (!match) throw new SignatureRejectedError('X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ');
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (Math.abs(date.getTime() - now.getTime()) > allowedSkewMs) {
    throw new SignatureRejectedError(`X-Amz-Date ${amzDate} is more than 15 minutes from now`);
  }
  return date;
}

/**
 * Verifies a request's SigV4 signature as API Gateway's AWS_IAM authorization does, for
 * `backupctl serve`: the access key must be the configured credentials', the scope this region
 * and execute-api, the time within 15 minutes, the payload hash the body's; then the canonical
 * request is signed again with the secret key and the two signatures compared. Throws
 * SignatureRejectedError naming what is wrong.
 */
export async function verifyApiSignature(
  parts: HttpRequestParts & { body: Uint8Array },
  region: string,
  credentials: AwsCredentialIdentityProvider,
  now: Date = new Date(),
): Promise<void> {
  const given = new Headers(parts.headers);
  const claims = claimsOf(given.get('authorization'));
  const identity = await credentials();
  if (claims.accessKeyId !== identity.accessKeyId) {
    throw new SignatureRejectedError(`access key ${claims.accessKeyId} is not the configured one`);
  }
  const [, scopeRegion, scopeService, terminator] = claims.scope;
  if (
    scopeRegion !== region ||
    scopeService !== apiSigningService ||
    terminator !== 'aws4_request'
  ) {
    throw new SignatureRejectedError(
      `the signature's scope ${claims.scope.join('/')} is not ${region}/${apiSigningService}`,
    );
  }
  const signingDate = signingDateOf(given.get('x-amz-date'), now);
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  const claimedHash = given.get('x-amz-content-sha256');
  if (claimedHash !== null && claimedHash !== bodyHash) {
    throw new SignatureRejectedError('X-Amz-Content-Sha256 is not the hash of the body');
  }
  const headers: Record<string, string> = {};
  for (const name of claims.signedHeaders) headers[name] = given.get(name) ?? '';
  const resigned = await signerFor(identity, region).sign(httpRequestOf(parts, headers), {
    signingDate,
    signableHeaders: new Set(claims.signedHeaders),
    // The signer adds the payload hash header when it is absent; a client may not have signed it.
    ...(claims.signedHeaders.includes('x-amz-content-sha256')
      ? {}
      : { unsignableHeaders: new Set(['x-amz-content-sha256']) }),
  });
  const expected = claimsOf(resigned.headers.authorization ?? null);
  const same =
    expected.signedHeaders.join(';') === claims.signedHeaders.join(';') &&
    timingSafeEqual(Buffer.from(expected.signature), Buffer.from(claims.signature));
  if (!same) throw new SignatureRejectedError('the signature does not match the request');
}
