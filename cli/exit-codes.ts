/** docs/architecture.md §2.3: 0 all done; 1 the run finished but something failed; 2 bad usage or config. */
export const ExitCode = { ok: 0, somethingFailed: 1, badUsage: 2 } as const;
