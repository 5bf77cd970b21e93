/** Reads mediasoup's dump maps, lists of `{ key, value }` / `{ key, values }` entries. */
export function entryOf<
  E extends { key: string; value: string } | { key: string; values: string[] },
>(entries: E[], key: string): (E extends { values: string[] } ? string[] : string) | undefined {
  const entry = entries.find((e) => e.key === key);
  if (!entry) return undefined;
  return ('values' in entry ? entry.values : entry.value) as
    (E extends { values: string[] } ? string[] : string) | undefined;
}
