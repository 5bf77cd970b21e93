/**
 * Ways to make a worker fail on purpose, for the isolation tests. Only
 * enabled when the host process sets SKEIN_ENABLE_CRASH_REQUESTS=1, so a
 * production worker cannot be crashed through its channel.
 */
import { InvalidStateError } from '../common/errors.js';

export function debugCrash(how: unknown): undefined {
  if (process.env.SKEIN_ENABLE_CRASH_REQUESTS !== '1') {
    throw new InvalidStateError('crash requests are disabled');
  }
  switch (how) {
    case 'throw':
      // Outside the request's try/catch: an uncaught exception.
      setImmediate(() => {
        throw new Error('deliberate crash');
      });
      return undefined;
    case 'exit':
      setImmediate(() => process.exit(3));
      return undefined;
    case 'oom': {
      const hoard: number[][] = [];
      const grow = (): void => {
        for (let i = 0; i < 64; i++) hoard.push(new Array<number>(1 << 16).fill(i));
        setImmediate(grow);
      };
      setImmediate(grow);
      return undefined;
    }
    default:
      throw new TypeError(`unknown crash kind: ${String(how)}`);
  }
}
