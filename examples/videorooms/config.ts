/**
 * videorooms configuration: command-line flags, then environment variables,
 * then defaults (127.0.0.1:3000, one worker per core, thread mode).
 */
import { availableParallelism } from 'node:os';
import type { WorkerMode } from '../../src/index.js';

export interface Config {
  host: string;
  port: number;
  announcedAddress: string | undefined;
  workers: number;
  workerMode: WorkerMode;
  rtcMinPort: number;
  rtcMaxPort: number;
  limits: Limits;
}

/** What one client may cost the server (PROTOCOL.md, "Limits"). */
export interface Limits {
  /** Live producers per participant. */
  maxProducers: number;
  /** Live consumers per participant. */
  maxConsumers: number;
  /** Live data producers (chat channels) per participant. */
  maxDataProducers: number;
  /** Live data consumers per participant. */
  maxDataConsumers: number;
  /** Largest data channel message: the transports' SCTP maxMessageSize. */
  maxDataMessageBytes: number;
  /** WebRTC transports one connection may create over its life (a join creates 2). */
  maxTransports: number;
  /** Encodings in a `produce` (browsers send at most 3-4 simulcast layers). */
  maxEncodings: number;
  /** Codecs in a `produce`'s rtpParameters or a `consume`'s rtpCapabilities. */
  maxCodecs: number;
  /** Header extensions in a `produce` or `consume`. */
  maxHeaderExtensions: number;
  /** Messages per second per connection (token bucket refill). */
  messageRate: number;
  /** Messages a connection may send at once (token bucket size). */
  messageBurst: number;
  /** Participants in one room (each join is announced to all of them). */
  maxRoomParticipants: number;
  /** TCP connections (HTTP and WebSocket) the server holds at once. */
  maxConnections: number;
  /** Ping interval; a socket that missed a pong by the next one is closed. */
  heartbeatMs: number;
  /** Bytes queued for a slow reader before its socket is closed. */
  maxSendBufferBytes: number;
  /** Time a client has to send a request's headers. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request. */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxProducers: 8,
  maxConsumers: 256,
  maxDataProducers: 2,
  maxDataConsumers: 256,
  maxDataMessageBytes: 16 * 1024,
  maxTransports: 64,
  maxEncodings: 4,
  maxCodecs: 32,
  maxHeaderExtensions: 32,
  messageRate: 50,
  messageBurst: 200,
  maxRoomParticipants: 100,
  maxConnections: 1000,
  heartbeatMs: 30_000,
  maxSendBufferBytes: 4 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

export const HELP = `videorooms — multi-party video rooms on Skein

Usage: npm start -- [options]

Options (each also read from the environment variable in brackets):
  --host ADDR               address to listen on and for media [HOST] (default 127.0.0.1)
  --port N                  HTTP/WebSocket port, 0 for any free one [PORT] (default 3000)
  --announced-address ADDR  address announced in ICE candidates, e.g. a public IP
                            [ANNOUNCED_ADDRESS] (default: the listen address)
  --workers N               media workers [WORKERS] (default: one per core)
  --worker-mode MODE        thread or process [WORKER_MODE] (default thread)
  --rtc-min-port N          lowest media port [RTC_MIN_PORT] (default 40000)
  --rtc-max-port N          highest media port [RTC_MAX_PORT] (default 49999)
  --help                    show this help

Limits per client (PROTOCOL.md, "Limits"):
  --max-producers N         live producers per participant [MAX_PRODUCERS] (default 8)
  --max-consumers N         live consumers per participant [MAX_CONSUMERS] (default 256)
  --max-data-producers N    live data producers (chat channels) per participant
                            [MAX_DATA_PRODUCERS] (default 2)
  --max-data-consumers N    live data consumers per participant
                            [MAX_DATA_CONSUMERS] (default 256)
  --max-data-message N      largest data channel message in bytes, the SCTP
                            maxMessageSize [MAX_DATA_MESSAGE] (default 16384)
  --max-transports N        transports one connection may create, two per join
                            [MAX_TRANSPORTS] (default 64)
  --max-encodings N         encodings in a produce [MAX_ENCODINGS] (default 4)
  --max-codecs N            codecs in a produce or consume [MAX_CODECS] (default 32)
  --max-header-extensions N header extensions in a produce or consume
                            [MAX_HEADER_EXTENSIONS] (default 32)
  --message-rate N          messages per second per connection [MESSAGE_RATE] (default 50)
  --message-burst N         messages a connection may send at once; that many
                            refused in a row close it [MESSAGE_BURST] (default 200)
  --max-room-participants N participants in one room [MAX_ROOM_PARTICIPANTS] (default 100)
  --max-connections N       TCP connections held at once, HTTP and WebSocket
                            [MAX_CONNECTIONS] (default 1000)
  --heartbeat-ms N          WebSocket ping interval; no pong by the next ping
                            closes the socket [HEARTBEAT_MS] (default 30000)
  --max-send-buffer N       bytes queued for a slow reader before its socket is
                            closed [MAX_SEND_BUFFER] (default 4194304)
  --headers-timeout-ms N    time to send request headers [HEADERS_TIMEOUT_MS] (default 10000)
  --request-timeout-ms N    time to send a whole request [REQUEST_TIMEOUT_MS] (default 30000)

Open http://HOST:PORT/?room=NAME&name=DISPLAY to join a room at once.
`;

const FLAGS: Record<string, string> = {
  '--host': 'HOST',
  '--port': 'PORT',
  '--announced-address': 'ANNOUNCED_ADDRESS',
  '--workers': 'WORKERS',
  '--worker-mode': 'WORKER_MODE',
  '--rtc-min-port': 'RTC_MIN_PORT',
  '--rtc-max-port': 'RTC_MAX_PORT',
  '--max-producers': 'MAX_PRODUCERS',
  '--max-consumers': 'MAX_CONSUMERS',
  '--max-data-producers': 'MAX_DATA_PRODUCERS',
  '--max-data-consumers': 'MAX_DATA_CONSUMERS',
  '--max-data-message': 'MAX_DATA_MESSAGE',
  '--max-transports': 'MAX_TRANSPORTS',
  '--max-encodings': 'MAX_ENCODINGS',
  '--max-codecs': 'MAX_CODECS',
  '--max-header-extensions': 'MAX_HEADER_EXTENSIONS',
  '--message-rate': 'MESSAGE_RATE',
  '--message-burst': 'MESSAGE_BURST',
  '--max-room-participants': 'MAX_ROOM_PARTICIPANTS',
  '--max-connections': 'MAX_CONNECTIONS',
  '--heartbeat-ms': 'HEARTBEAT_MS',
  '--max-send-buffer': 'MAX_SEND_BUFFER',
  '--headers-timeout-ms': 'HEADERS_TIMEOUT_MS',
  '--request-timeout-ms': 'REQUEST_TIMEOUT_MS',
};

export class ConfigError extends Error {}

/** Returns the config, or 'help' when --help was given. Throws ConfigError on bad input. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): Config | 'help' {
  const values: Record<string, string | undefined> = {};
  for (const name of Object.values(FLAGS)) values[name] = env[name];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const name = FLAGS[flag];
    if (!name) throw new ConfigError(`unknown option: ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    values[name] = value;
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = values[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer in [${min}, ${max}]`);
    }
    return n;
  };
  const workerMode = values.WORKER_MODE || 'thread';
  if (workerMode !== 'thread' && workerMode !== 'process') {
    throw new ConfigError('WORKER_MODE must be thread or process');
  }
  const config: Config = {
    host: values.HOST || '127.0.0.1',
    port: integer('PORT', 3000, 0, 65535),
    announcedAddress: values.ANNOUNCED_ADDRESS || undefined,
    workers: integer('WORKERS', availableParallelism(), 1, 64),
    workerMode,
    rtcMinPort: integer('RTC_MIN_PORT', 40000, 1024, 65535),
    rtcMaxPort: integer('RTC_MAX_PORT', 49999, 1024, 65535),
    limits: parseLimits(integer),
  };
  if (config.rtcMinPort > config.rtcMaxPort) {
    throw new ConfigError('RTC_MIN_PORT must not exceed RTC_MAX_PORT');
  }
  if (config.limits.requestTimeoutMs < config.limits.headersTimeoutMs) {
    throw new ConfigError('REQUEST_TIMEOUT_MS must not be below HEADERS_TIMEOUT_MS');
  }
  return config;
}

type IntegerOption = (name: string, fallback: number, min: number, max: number) => number;

function parseLimits(integer: IntegerOption): Limits {
  const d = DEFAULT_LIMITS;
  const big = 1_000_000;
  return {
    maxProducers: integer('MAX_PRODUCERS', d.maxProducers, 0, 1000),
    maxConsumers: integer('MAX_CONSUMERS', d.maxConsumers, 0, 10_000),
    maxDataProducers: integer('MAX_DATA_PRODUCERS', d.maxDataProducers, 0, 1000),
    maxDataConsumers: integer('MAX_DATA_CONSUMERS', d.maxDataConsumers, 0, 10_000),
    // SCTP's own default (262144) is the ceiling.
    maxDataMessageBytes: integer('MAX_DATA_MESSAGE', d.maxDataMessageBytes, 1024, 262_144),
    // A join needs two.
    maxTransports: integer('MAX_TRANSPORTS', d.maxTransports, 2, big),
    maxEncodings: integer('MAX_ENCODINGS', d.maxEncodings, 1, 64),
    maxCodecs: integer('MAX_CODECS', d.maxCodecs, 1, 256),
    maxHeaderExtensions: integer('MAX_HEADER_EXTENSIONS', d.maxHeaderExtensions, 0, 256),
    messageRate: integer('MESSAGE_RATE', d.messageRate, 1, big),
    messageBurst: integer('MESSAGE_BURST', d.messageBurst, 1, big),
    maxRoomParticipants: integer('MAX_ROOM_PARTICIPANTS', d.maxRoomParticipants, 1, 10_000),
    maxConnections: integer('MAX_CONNECTIONS', d.maxConnections, 1, big),
    heartbeatMs: integer('HEARTBEAT_MS', d.heartbeatMs, 100, 3_600_000),
    maxSendBufferBytes: integer('MAX_SEND_BUFFER', d.maxSendBufferBytes, 64 * 1024, 1 << 30),
    headersTimeoutMs: integer('HEADERS_TIMEOUT_MS', d.headersTimeoutMs, 100, 3_600_000),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100, 3_600_000),
  };
}
