import pThrottle from 'p-throttle';

/** Runs calls no faster than `perSecond`, so a batch stays inside the API's token bucket. */
export type Pacer = <T>(call: () => Promise<T>) => Promise<T>;

export function pacerOf(perSecond: number): Pacer {
  // Spread evenly (one call per slot) rather than bursting `perSecond` calls at each second.
  const interval = Math.max(1, Math.round(1000 / perSecond));
  const throttle = pThrottle({ limit: 1, interval });
  return <T>(call: () => Promise<T>) => throttle(call)();
}
