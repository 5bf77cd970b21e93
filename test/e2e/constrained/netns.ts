/**
 * A small network the test builds for itself: one Linux network namespace per
 * browser, each joined to the root namespace (where the test process and
 * Skein run) by a veth pair on a /30 of its own. Nothing routes further: a
 * namespace has only `lo` and its veth, so a browser in it reaches Skein's
 * address on the root side of its veth and nothing else.
 *
 * A link is constrained with a `tbf` qdisc on the root side of its veth, so it
 * shapes what Skein sends toward that namespace (`netem` is not in this
 * kernel; tbf is). Names carry the test's pid, so runs never collide, and
 * namespaces left by a run that was killed are removed by the next one.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHROMIUM_PATH } from '../browser.js';

const run = promisify(execFile);

/** Every namespace this module makes is named `${PREFIX}<pid><letter>`. */
const PREFIX = 'skc';
const COMMAND_TIMEOUT_MS = 10_000;

async function ip(args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { timeout: COMMAND_TIMEOUT_MS });
  return stdout;
}

function commandPath(name: string): string | undefined {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** false, or why this machine cannot build the network (not root, no iproute2). */
export function netnsSkipReason(): false | string {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the suite as root)';
  for (const command of ['ip', 'tc']) {
    if (!commandPath(command)) {
      return `\`${command}\` not found: install iproute2 (scripts/install-test-deps.sh does)`;
    }
  }
  return false;
}

export interface Namespace {
  /** The namespace's name (`ip netns exec <name> …`). */
  readonly name: string;
  /** The veth's name on the root side (where its qdisc shapes traffic into the namespace). */
  readonly hostDevice: string;
  /** The address on the root side: Skein listens here for this namespace's peers. */
  readonly hostIp: string;
  /** The address inside the namespace. */
  readonly peerIp: string;
  /** A script that runs Chromium inside the namespace (for launchBrowser's executablePath). */
  readonly chromiumWrapper: string;
}

export interface TbfLimit {
  /** tc rate, e.g. '300kbit', '3mbit'. */
  rate: string;
  /** tc burst (bucket size), e.g. '4kb'. */
  burst: string;
  /** tc latency: how long a packet may wait in the queue before it is dropped. */
  latency: string;
}

export class NetnsNetwork {
  readonly #namespaces: Namespace[] = [];
  readonly #scriptDir: string;
  readonly #shaped = new Set<string>();
  #closed = false;

  private constructor(scriptDir: string) {
    this.#scriptDir = scriptDir;
  }

  /**
   * Creates `count` namespaces (a, b, …), each with its veth pair up and
   * addressed. On any failure what was made is removed again.
   */
  static async create(count: number): Promise<NetnsNetwork> {
    if (count < 1 || count > 16) throw new RangeError('1..16 namespaces');
    await removeStaleNamespaces();
    const network = new NetnsNetwork(await mkdtemp(join(tmpdir(), 'skein-netns-')));
    try {
      // A /30 per namespace in 10.211.<pid mod 250>.0/24: one run, one /24.
      const subnet = `10.211.${process.pid % 250}`;
      for (let i = 0; i < count; i++) {
        const letter = String.fromCharCode(97 + i);
        await network.#add(
          `${PREFIX}${process.pid}${letter}`,
          `${subnet}.${4 * i + 1}`,
          `${subnet}.${4 * i + 2}`,
        );
      }
      return network;
    } catch (error) {
      await network.close();
      throw error;
    }
  }

  get namespaces(): readonly Namespace[] {
    return this.#namespaces;
  }

  async #add(name: string, hostIp: string, peerIp: string): Promise<void> {
    const hostDevice = `${name}0`;
    const peerDevice = `${name}1`;
    await ip(['netns', 'add', name]);
    const chromiumWrapper = join(this.#scriptDir, `chromium-${name}.sh`);
    // Recorded before the next steps, so close() removes the namespace whatever fails after.
    this.#namespaces.push({ name, hostDevice, hostIp, peerIp, chromiumWrapper });
    await ip(['link', 'add', hostDevice, 'type', 'veth', 'peer', 'name', peerDevice]);
    await ip(['link', 'set', peerDevice, 'netns', name]);
    await ip(['addr', 'add', `${hostIp}/30`, 'dev', hostDevice]);
    await ip(['link', 'set', hostDevice, 'up']);
    await ip(['-n', name, 'addr', 'add', `${peerIp}/30`, 'dev', peerDevice]);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    await ip(['-n', name, 'link', 'set', peerDevice, 'up']);
    const ipPath = commandPath('ip') ?? 'ip';
    await writeFile(
      chromiumWrapper,
      `#!/bin/sh\nexec ${ipPath} netns exec ${name} ${CHROMIUM_PATH} "$@"\n`,
    );
    await chmod(chromiumWrapper, 0o755);
  }

  /** Adds (first call) or changes the tbf qdisc shaping what goes into `ns`. */
  async limit(ns: Namespace, limit: TbfLimit): Promise<void> {
    const verb = this.#shaped.has(ns.hostDevice) ? 'change' : 'add';
    await run(
      'tc',
      [
        'qdisc',
        verb,
        'dev',
        ns.hostDevice,
        'root',
        'tbf',
        'rate',
        limit.rate,
        'burst',
        limit.burst,
        'latency',
        limit.latency,
      ],
      { timeout: COMMAND_TIMEOUT_MS },
    );
    this.#shaped.add(ns.hostDevice);
  }

  /** Removes the qdisc (the link is unshaped again). */
  async unlimit(ns: Namespace): Promise<void> {
    if (!this.#shaped.delete(ns.hostDevice)) return;
    await run('tc', ['qdisc', 'del', 'dev', ns.hostDevice, 'root'], {
      timeout: COMMAND_TIMEOUT_MS,
    });
  }

  /** `tc -s qdisc show` of the link into `ns` (sent/dropped/overlimits, for the log). */
  async qdiscStats(ns: Namespace): Promise<string> {
    const { stdout } = await run('tc', ['-s', 'qdisc', 'show', 'dev', ns.hostDevice], {
      timeout: COMMAND_TIMEOUT_MS,
    });
    return stdout.replace(/\s+/g, ' ').trim();
  }

  /** Kills what still runs in the namespaces, deletes them (their veths go too). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const ns of this.#namespaces) await deleteNamespace(ns.name);
    this.#namespaces.length = 0;
    await rm(this.#scriptDir, { recursive: true, force: true });
  }
}

async function deleteNamespace(name: string): Promise<void> {
  const pids = await ip(['netns', 'pids', name]).catch(() => '');
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await ip(['netns', 'del', name]).catch((error: unknown) => {
    console.warn(`netns: could not delete ${name}: ${String(error)}`);
  });
}

/** Namespaces of this module whose test process no longer exists (a killed run). */
async function removeStaleNamespaces(): Promise<void> {
  const list = await ip(['netns', 'list']).catch(() => '');
  const pattern = new RegExp(`^${PREFIX}(\\d+)[a-p]$`);
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0];
    const match = pattern.exec(name);
    if (!match || Number(match[1]) === process.pid || processAlive(Number(match[1]))) continue;
    await deleteNamespace(name);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
