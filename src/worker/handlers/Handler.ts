/**
 * An entity in the worker that answers requests addressed to its id, and may
 * take notifications (fire-and-forget, such as a direct producer's packets).
 * A `payload` is a view valid only during the call: copy what must be kept.
 */
export interface Handler {
  handleRequest(method: string, data: unknown, payload?: Uint8Array): unknown;
  handleNotification?(event: string, data: unknown, payload?: Uint8Array): void;
}
