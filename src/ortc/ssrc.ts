/**
 * Random SSRCs for streams the router creates. RFC 3550 §8.1 asks for
 * random SSRCs; the range stays far below 2^32 so that callers can derive
 * related SSRCs by adding small offsets (one per simulcast layer, +1 for RTX)
 * without wrapping.
 */
const MIN_SSRC = 100_000_000;
const MAX_SSRC = 999_999_999;

export function generateRandomSsrc(): number {
  return MIN_SSRC + Math.floor(Math.random() * (MAX_SSRC - MIN_SSRC + 1));
}
