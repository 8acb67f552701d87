/**
 * Shared SDK client settings. "adaptive" retry mode adds client-side rate limiting on throttling
 * responses, so a burst backs off instead of hammering the API. AWS_MAX_ATTEMPTS and
 * AWS_RETRY_MODE, when set, win (the SDK reads them itself).
 */
export function awsClientConfig(region?: string): {
  region?: string;
  maxAttempts?: number;
  retryMode?: string;
} {
  return {
    ...(region ? { region } : {}),
    ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: 8 }),
    ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
  };
}

/** S3 clients: path-style keeps emulator endpoints (127.0.0.1) working; AWS accepts it too. */
export function s3ClientConfig(region?: string) {
  return { ...awsClientConfig(region), forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) };
}
