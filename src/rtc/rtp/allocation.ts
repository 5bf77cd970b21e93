/**
 * What the consumer kinds share for bitrate allocation (mediasoup's IncreaseLayer).
 */

/**
 * The bitrate a consumer may assume when loss counts: a little more than given on a clean
 * link (< 2 % loss), less on a lossy one (> 10 %), as mediasoup's consumers compute it.
 */
export function lossAdjusted(bitrate: number, lossPercentage: number): number {
  if (lossPercentage < 2) return 1.08 * bitrate;
  if (lossPercentage > 10) return (1 - 0.5 * (lossPercentage / 100)) * bitrate;
  return bitrate;
}
