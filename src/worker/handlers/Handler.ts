/** An entity in the worker that answers requests addressed to its id. */
export interface Handler {
  handleRequest(method: string, data: unknown): unknown;
}
