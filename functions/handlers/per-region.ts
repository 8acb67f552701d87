/**
 * One value per region, created on first use and kept for the life of the Lambda container: the
 * ports wired to AWS (and their SDK clients) are made lazily, once per region. Every factory
 * module calls this under a `@__PURE__` annotation, so a bundle drops the factories its handler
 * does not use, and with them their adapters and SDK clients.
 */
export function perRegion<T>(create: (region: string) => T): (region: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    let value = cache.get(region);
    if (!value) {
      value = create(region);
      cache.set(region, value);
    }
    return value;
  };
}
