/**
 * USERNAME (RFC 5389 §15.3): UTF-8, under 513 bytes. In ICE (RFC 8445 §7.2.2) it is
 * "<receiver ufrag>:<sender ufrag>".
 */

export const USERNAME_MAX_BYTES = 512;

export function decodeUsername(value: Uint8Array): string | undefined {
  if (value.length > USERNAME_MAX_BYTES) return undefined;
  return Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8');
}

/** RFC 8445 §7.2.2: splits "local:remote" as seen by the receiver; undefined if no colon. */
export function splitIceUsername(
  username: string,
): { localUfrag: string; remoteUfrag: string } | undefined {
  const colon = username.indexOf(':');
  if (colon === -1) return undefined;
  return { localUfrag: username.slice(0, colon), remoteUfrag: username.slice(colon + 1) };
}
