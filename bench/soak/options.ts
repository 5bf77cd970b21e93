/** `npm run soak -- [options]`: the soak's command line. */

export interface SoakOptions {
  minutes: number;
  rooms: number;
  peersPerRoom: number;
  workers: number;
  workerMode: 'thread' | 'process';
  intervalSeconds: number;
  /** Each peer stays between these many seconds, then a new one takes its place. */
  minLifeSeconds: number;
  maxLifeSeconds: number;
  /** Every this many seconds, rooms get a new id: the old rooms empty and close. */
  rotateSeconds: number;
}

export const SOAK_HELP = `npm run soak -- [options]

  --minutes N        how long peers join and leave (default 20)
  --rooms N          rooms open at a time (default 4)
  --peers N          peers per room (default 3)
  --workers N        videorooms media workers (default 2)
  --worker-mode M    thread or process (default thread)
  --interval S       seconds between memory reports (default 30)
  --min-life S       shortest stay of a peer (default 20)
  --max-life S       longest stay of a peer (default 60)
  --rotate S         seconds before a room's peers move to a new room (default 120)
`;

const NUMERIC: Record<string, [keyof SoakOptions, number, number]> = {
  '--minutes': ['minutes', 0.1, 24 * 60],
  '--rooms': ['rooms', 1, 50],
  '--peers': ['peersPerRoom', 1, 20],
  '--workers': ['workers', 1, 16],
  '--interval': ['intervalSeconds', 1, 3600],
  '--min-life': ['minLifeSeconds', 1, 3600],
  '--max-life': ['maxLifeSeconds', 1, 3600],
  '--rotate': ['rotateSeconds', 5, 24 * 3600],
};

/** Returns the options, or 'help'; throws on a bad flag. */
export function parseSoakOptions(argv: string[]): SoakOptions | 'help' {
  const options: SoakOptions = {
    minutes: 20,
    rooms: 4,
    peersPerRoom: 3,
    workers: 2,
    workerMode: 'thread',
    intervalSeconds: 30,
    minLifeSeconds: 20,
    maxLifeSeconds: 60,
    rotateSeconds: 120,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return 'help';
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--worker-mode') {
      if (value !== 'thread' && value !== 'process')
        throw new Error('--worker-mode: thread or process');
      options.workerMode = value;
      continue;
    }
    const spec = NUMERIC[flag];
    if (!spec) throw new Error(`unknown option ${flag}`);
    const [key, min, max] = spec;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`${flag} must be in [${min}, ${max}]`);
    (options as unknown as Record<string, number>)[key] = key === 'minutes' ? n : Math.round(n);
  }
  if (options.minLifeSeconds > options.maxLifeSeconds) {
    throw new Error('--min-life must not exceed --max-life');
  }
  return options;
}
