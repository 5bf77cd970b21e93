/**
 * Binding a listening port in a range, as mediasoup does: try random ports
 * of the range until one is free, so workers sharing a range rarely collide.
 */
import { randomInt } from 'node:crypto';

export interface PortRange {
  min: number;
  max: number;
}

/** Tries `bindOne(port)` on random ports of the range; rethrows non-EADDRINUSE errors. */
export async function bindInRange<T>(
  range: PortRange,
  bindOne: (port: number) => Promise<T>,
): Promise<T> {
  const size = range.max - range.min + 1;
  const attempts = Math.min(size, 200);
  const start = randomInt(0, size);
  for (let i = 0; i < attempts; i++) {
    const port = range.min + ((start + i) % size);
    try {
      return await bindOne(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free port in range [${range.min}, ${range.max}]`);
}
