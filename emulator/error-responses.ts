import { randomUUID } from 'node:crypto';
import type { AwsCall, WireProtocol } from './operation-name.js';

/** An AWS error as the service would name it. */
export interface AwsErrorSpec {
  status: number;
  code: string;
  message: string;
}

export interface RenderedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type StandardFault = 'throttle' | 'http500' | 'http503';

/**
 * What each service family really answers for throttling and server errors, so SDK v3
 * classifies an injected fault exactly as it would the real one (RequestLimitExceeded
 * and SlowDown are throttling codes; 500/503 are transient).
 */
const STANDARD_ERRORS: Record<StandardFault, Record<WireProtocol, AwsErrorSpec>> = {
  throttle: {
    ec2: { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
    'rest-xml': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
    query: { status: 400, code: 'Throttling', message: 'Rate exceeded' },
    json: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
    'rest-json': { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
    'rpc-v2-cbor': { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
  },
  http500: {
    ec2: { status: 500, code: 'InternalError', message: 'An internal error has occurred' },
    'rest-xml': {
      status: 500,
      code: 'InternalError',
      message: 'We encountered an internal error. Please try again.',
    },
    query: { status: 500, code: 'InternalFailure', message: 'An internal error has occurred' },
    json: { status: 500, code: 'InternalFailure', message: 'An internal error has occurred' },
    'rest-json': {
      status: 500,
      code: 'InternalFailure',
      message: 'An internal error has occurred',
    },
    'rpc-v2-cbor': {
      status: 500,
      code: 'InternalFailure',
      message: 'An internal error has occurred',
    },
  },
  http503: {
    ec2: {
      status: 503,
      code: 'Unavailable',
      message: "The server is overloaded and can't handle the request.",
    },
    'rest-xml': {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'Service is unable to handle request.',
    },
    query: { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' },
    json: { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' },
    'rest-json': { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' },
    'rpc-v2-cbor': { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' },
  },
};

export function standardError(fault: StandardFault, protocol: WireProtocol): AwsErrorSpec {
  return STANDARD_ERRORS[fault][protocol];
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders an error in the wire format of the call's protocol. */
export function renderAwsError(call: AwsCall, error: AwsErrorSpec): RenderedResponse {
  const requestId = randomUUID();
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  const xml = { 'content-type': 'text/xml' };
  switch (call.protocol) {
    case 'ec2':
      return {
        status: error.status,
        headers: xml,
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'query':
      return {
        status: error.status,
        headers: { ...xml, 'x-amzn-requestid': requestId },
        body: `<ErrorResponse><Error><Type>${error.status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'rest-xml':
      return {
        status: error.status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
    case 'json':
      return {
        status: error.status,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'rest-json':
    case 'rpc-v2-cbor':
      // rpc-v2-cbor bodies are CBOR; the error type header and status still classify it.
      return {
        status: error.status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': error.code,
        },
        body: JSON.stringify({ message: error.message }),
      };
  }
}
