/**
 * Error classes shared by every layer. Each has mediasoup's `name` and a
 * stable `code` (what programs should compare, as Node's own errors do).
 * They cross the channel as `{ name, code, message }` and are rebuilt as the
 * same class on the other side (see `serializeError` / `deserializeError`),
 * so a caller can rely on `instanceof` whichever side raised the error.
 */

/** The operation is valid in general but not supported by Skein (or by the peer). */
export class UnsupportedError extends Error {
  readonly code = 'ERR_UNSUPPORTED';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

/** The operation is not allowed in the object's current state (e.g. it is closed). */
export class InvalidStateError extends Error {
  readonly code = 'ERR_INVALID_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}

/**
 * A channel message is larger (or nested deeper, or has more values) than the
 * channel carries. A TypeError: it is the caller's input that is too big.
 */
export class ChannelMessageTooLargeError extends TypeError {
  readonly code = 'ERR_CHANNEL_MESSAGE_TOO_LARGE';
  constructor(message: string) {
    super(message);
    this.name = 'ChannelMessageTooLargeError';
  }
}

/** The worker did not answer a request in time. */
export class ChannelTimeoutError extends Error {
  readonly code = 'ERR_CHANNEL_TIMEOUT';
  constructor(message: string) {
    super(message);
    this.name = 'ChannelTimeoutError';
  }
}

/** The wire form of an error. */
export interface SerializedError {
  name: string;
  message: string;
  /** Present when the error had a string `code`. */
  code?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? { name: error.name, code, message: error.message }
    : { name: error.name, message: error.message };
}

const BY_CODE: Record<string, new (message: string) => Error> = {
  ERR_UNSUPPORTED: UnsupportedError,
  ERR_INVALID_STATE: InvalidStateError,
  ERR_CHANNEL_MESSAGE_TOO_LARGE: ChannelMessageTooLargeError,
  ERR_CHANNEL_TIMEOUT: ChannelTimeoutError,
};

const BY_NAME: Record<string, new (message: string) => Error> = {
  TypeError,
  RangeError,
  UnsupportedError,
  InvalidStateError,
  ChannelMessageTooLargeError,
  ChannelTimeoutError,
};

/**
 * Rebuilds the error class the wire names, by `code` first, then by `name`;
 * unknown ones become plain `Error`s that keep the name and code.
 */
export function deserializeError(wire: SerializedError): Error {
  const code = typeof wire.code === 'string' ? wire.code : undefined;
  const known =
    (code !== undefined && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined) ??
    (typeof wire.name === 'string' && Object.hasOwn(BY_NAME, wire.name)
      ? BY_NAME[wire.name]
      : undefined);
  if (known) return new known(wire.message);
  const error = new Error(wire.message);
  if (typeof wire.name === 'string' && wire.name) error.name = wire.name;
  if (code !== undefined) (error as Error & { code?: string }).code = code;
  return error;
}
