/**
 * Error classes shared by every layer. They cross the channel as
 * `{ name, message }` and are rebuilt as the same class on the other side
 * (see `serializeError` / `deserializeError`), so a caller can rely on
 * `instanceof` whichever side raised the error.
 */

/** The operation is valid in general but not supported by Skein (or by the peer). */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

/** The operation is not allowed in the object's current state (e.g. it is closed). */
export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}

/** The wire form of an error. */
export interface SerializedError {
  name: string;
  message: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds the error class named on the wire; unknown names become plain `Error`s. */
export function deserializeError(wire: SerializedError): Error {
  switch (wire.name) {
    case 'TypeError':
      return new TypeError(wire.message);
    case 'RangeError':
      return new RangeError(wire.message);
    case 'InvalidStateError':
      return new InvalidStateError(wire.message);
    case 'UnsupportedError':
      return new UnsupportedError(wire.message);
    default: {
      const error = new Error(wire.message);
      if (typeof wire.name === 'string' && wire.name) error.name = wire.name;
      return error;
    }
  }
}
