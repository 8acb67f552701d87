/** Nothing to tear down: each test file stops the emulator it started (useEmulator). */
export default async function globalTeardown(): Promise<void> {}
