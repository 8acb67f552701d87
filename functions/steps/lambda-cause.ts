/** Lambda errors arrive in a Catch as a JSON Cause ({ errorType, errorMessage }); show the message. */
export function parseCause(cause: string | undefined, otherwise = 'no cause given'): string {
  if (!cause) return otherwise;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}
