/**
 * Errors raised by the local emulator tooling. Each has a stable `name` so callers
 * (tests, `backupctl demo`) can tell them apart without parsing messages.
 */

/** moto could not be found and could not be installed into the project's `.venv`. */
export class MotoInstallError extends Error {
  override readonly name = 'MotoInstallError';
}

/** `moto_server` exited early or did not answer `/moto-api/` in time. */
export class MotoStartError extends Error {
  override readonly name = 'MotoStartError';
}

/** `POST /moto-api/reset` did not succeed. */
export class MotoResetError extends Error {
  override readonly name = 'MotoResetError';
}

/** A fault rule given to the test cloud is malformed; the message names the field. */
export class InvalidFaultRuleError extends Error {
  override readonly name = 'InvalidFaultRuleError';
}

/** A pending-hold request given to the test cloud is malformed. */
export class InvalidHoldError extends Error {
  override readonly name = 'InvalidHoldError';
}

/** The test cloud's control API answered with an error (seen by the HTTP client). */
export class TestCloudControlError extends Error {
  override readonly name = 'TestCloudControlError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * A guest profile, image mark or emulation setting given to the test cloud is malformed, or
 * an inventory report it was asked to deliver cannot be (unknown or unemulated configuration).
 */
export class InvalidTestCloudSettingError extends Error {
  override readonly name = 'InvalidTestCloudSettingError';
}
