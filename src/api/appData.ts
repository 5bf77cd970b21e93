/** Application data attached to an entity; Skein never reads it. */
export type AppData = Record<string, unknown>;

export function assertAppData(appData: unknown): void {
  if (
    appData !== undefined &&
    (typeof appData !== 'object' || appData === null || Array.isArray(appData))
  ) {
    throw new TypeError('if given, appData must be an object');
  }
}
