// @ts-check
/**
 * videorooms web client: joins a room over the signaling protocol
 * (examples/videorooms/PROTOCOL.md) with mediasoup-client, publishes the
 * camera and microphone and shows every other participant in a grid, with
 * a chat panel whose messages go over data channels through the SFU.
 *
 * Bundled with mediasoup-client by scripts/build-videorooms.mjs into
 * dist/examples/videorooms/public/app.bundle.js (no CDN).
 *
 * Structure: `app` holds what outlives a connection (room, name, local media,
 * mute state, the local tile); a `Session` is one WebSocket + one join: the
 * device, both transports, producers, consumers and the remote peers. On a
 * `reconnect` notification (the room's worker died), a lost socket or a
 * failed transport, the session is dropped whole and a new one joins again.
 * Each session handles its notifications one at a time, in order, after its
 * own setup, so a `producerClosed` never overtakes the `consume` it undoes.
 *
 * Test hooks: `window.videorooms.state()` and `.inboundVideoStats()`.
 */
import { Device } from 'mediasoup-client';
import { CHAT_LABEL, ChatPanel, decodeChatMessage, encodeChatMessage } from './chat.js';
import { DevicePicker, LevelMeter, openDevice, saveDeviceId, trackConstraints } from './devices.js';
import { Speakers } from './speakers.js';
import { Stage, canShareScreen, captureScreen, screenProduceOptions } from './screen.js';
import { TileIndicators, TileSizeReporter, videoEncodings } from './viewing.js';

const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;
const REQUEST_TIMEOUT_MS = 15_000;
const OPEN_TIMEOUT_MS = 10_000;
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];
/** How often the tiles' received resolutions are read from getStats(). */
const STATS_INTERVAL_MS = 1_000;
/** Consumers whose score/layers reports may wait for the consumer to be made here. */
const MAX_EARLY_REPORTS = 64;

// ---------------------------------------------------------------------------
// DOM helpers

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function $(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from index.html`);
  return element;
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

const ui = {
  lobby: $('lobby'),
  form: /** @type {HTMLFormElement} */ ($('join-form')),
  roomInput: /** @type {HTMLInputElement} */ ($('room-input')),
  nameInput: /** @type {HTMLInputElement} */ ($('name-input')),
  formError: $('form-error'),
  left: $('left'),
  leftDetail: $('left-detail'),
  rejoinButton: $('rejoin-button'),
  call: $('call'),
  grid: $('grid'),
  alone: $('alone'),
  roomInfo: $('room-info'),
  roomName: $('room-name'),
  copyLinkButton: $('copy-link-button'),
  invite: $('invite'),
  inviteLink: /** @type {HTMLInputElement} */ ($('invite-link')),
  inviteStatus: $('invite-status'),
  count: $('participant-count'),
  status: $('status'),
  statusText: $('status-text'),
  controls: $('controls'),
  audioButton: $('audio-button'),
  videoButton: $('video-button'),
  screenButton: $('screen-button'),
  devicesButton: $('devices-button'),
  devicesPanel: $('devices-panel'),
  preview: $('preview'),
  previewVideo: /** @type {HTMLVideoElement} */ ($('preview-video')),
  previewAudioButton: $('preview-audio-button'),
  previewVideoButton: $('preview-video-button'),
  leaveButton: $('leave-button'),
  toasts: $('toasts'),
  chat: $('chat'),
};

const chat = new ChatPanel(
  {
    list: $('chat-list'),
    form: /** @type {HTMLFormElement} */ ($('chat-form')),
    input: /** @type {HTMLInputElement} */ ($('chat-input')),
    button: /** @type {HTMLButtonElement} */ ($('chat-send')),
  },
  (text) => app.session?.sendChat(text) ?? false,
);

/**
 * Shows a toast; errors stay longer. `action` adds a button.
 * @param {string} message
 * @param {{ kind?: 'info' | 'success' | 'error', timeoutMs?: number,
 *   action?: { label: string, run: () => void } }} [options]
 */
function toast(message, options = {}) {
  const kind = options.kind ?? 'info';
  const item = el('div', `toast toast-${kind}`);
  item.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  item.append(el('span', 'toast-text', message));
  const dismiss = () => {
    item.classList.add('toast-out');
    setTimeout(() => item.remove(), 200);
  };
  if (options.action) {
    const { label, run } = options.action;
    const button = el('button', 'toast-action', label);
    button.type = 'button';
    button.addEventListener('click', () => {
      run();
      dismiss();
    });
    item.append(button);
  }
  const close = el('button', 'toast-close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Dismiss');
  close.addEventListener('click', dismiss);
  item.append(close);
  ui.toasts.append(item);
  while (ui.toasts.childElementCount > 4) ui.toasts.firstElementChild?.remove();
  setTimeout(dismiss, options.timeoutMs ?? (kind === 'error' ? 8_000 : 4_000));
}

/**
 * @param {'idle' | 'connecting' | 'connected' | 'reconnecting' | 'error' | 'left'} state
 * @param {string} text
 */
function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.statusText.textContent = text;
}

/** @param {'lobby' | 'call' | 'left'} view */
function showView(view) {
  ui.lobby.hidden = view !== 'lobby';
  ui.call.hidden = view !== 'call';
  ui.chat.hidden = view !== 'call';
  ui.left.hidden = view !== 'left';
  ui.controls.hidden = view !== 'call';
  ui.roomInfo.hidden = view !== 'call';
}

/** @param {string} name */
function hueOf(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/** @param {string} name */
function initialsOf(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0][0], words[words.length - 1][0]] : [name.trim()[0]];
  return letters
    .filter(Boolean)
    .map((c) => c.toUpperCase())
    .join('');
}

/** The pre-join pickers and the in-call ones: both switch the device in use. */
const pickers = [
  new DevicePicker(
    {
      video: /** @type {HTMLSelectElement} */ ($('camera-select')),
      audio: /** @type {HTMLSelectElement} */ ($('mic-select')),
    },
    (kind, deviceId) => void switchDevice(kind, deviceId),
  ),
  new DevicePicker(
    {
      video: /** @type {HTMLSelectElement} */ ($('call-camera-select')),
      audio: /** @type {HTMLSelectElement} */ ($('call-mic-select')),
    },
    (kind, deviceId) => void switchDevice(kind, deviceId),
  ),
];
const meter = new LevelMeter($('mic-meter'));

/** The active speaker's highlight and the tiles' audio meters. */
const speakers = new Speakers(() => {
  /** @type {Map<string, Tile>} */
  const tiles = new Map();
  if (app.localTile && app.participantId) tiles.set(app.participantId, app.localTile);
  for (const peer of app.session?.peers.values() ?? []) tiles.set(peer.participantId, peer.tile);
  return tiles;
});

const stage = new Stage($('call'), $('stage'), () => void stopScreenShare());

// ---------------------------------------------------------------------------
// Tiles

/**
 * One tile of the grid: a video, an avatar shown while there is no video, a
 * name label with a muted-microphone mark and, for remote tiles, the received
 * resolution and a network quality dot.
 */
class Tile {
  /**
   * @param {string} participantId
   * @param {string} displayName
   * @param {boolean} local
   */
  constructor(participantId, displayName, local) {
    this.root = el('div', 'tile');
    this.root.dataset.participantId = participantId;
    this.root.dataset.video = 'off';
    this.root.dataset.audio = 'off';
    if (local) this.root.dataset.local = 'true';
    this.video = el('video');
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.muted = true;
    this.avatar = el('div', 'avatar');
    this.avatarText = el('span');
    this.avatar.append(this.avatarText);
    const label = el('div', 'label');
    const mic = el('span', 'mic-off');
    mic.title = 'Microphone muted';
    mic.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3z"/><path d="M19 11a7 7 0 0 1-14 0M12 18v3M4 4l16 16" fill="none"/></svg>';
    this.name = el('span', 'name');
    label.append(mic, this.name);
    if (local) label.append(el('span', 'badge', 'You'));
    this.meter = el('div', 'tile-meter');
    this.meter.setAttribute('aria-hidden', 'true');
    this.meter.append(el('span'));
    this.setLevel(0);
    this.root.append(this.video, this.avatar, label, this.meter);
    /** @type {TileIndicators | undefined} */
    this.indicators = undefined;
    if (!local) {
      this.indicators = new TileIndicators();
      this.root.append(this.indicators.root);
    }
    /** @type {HTMLAudioElement | undefined} */
    this.audio = undefined;
    this.setName(displayName);
  }

  /** @param {string} displayName */
  setName(displayName) {
    const shown = displayName || 'Guest';
    this.name.textContent = shown;
    this.name.title = shown;
    this.avatarText.textContent = initialsOf(shown) || '?';
    this.avatar.style.setProperty('--hue', String(hueOf(shown)));
  }

  /** The microphone's level, 0–1, from the server's audioLevels. @param {number} level */
  setLevel(level) {
    this.meter.style.setProperty('--level', level.toFixed(3));
    this.meter.dataset.level = level.toFixed(3);
  }

  /** Highlights the active speaker's tile. @param {boolean} on */
  setSpeaking(on) {
    if (on) this.root.dataset.speaking = 'true';
    else delete this.root.dataset.speaking;
  }

  /** @param {MediaStreamTrack | undefined} track */
  setVideoTrack(track) {
    if (!track) this.indicators?.clear();
    this.video.srcObject = track ? new MediaStream([track]) : null;
    if (track) this.video.play().catch(() => {});
  }

  /** @param {MediaStreamTrack | undefined} track */
  setAudioTrack(track) {
    if (!track) {
      if (this.audio) {
        this.audio.srcObject = null;
        this.audio.remove();
        this.audio = undefined;
      }
      return;
    }
    if (!this.audio) {
      this.audio = el('audio');
      this.audio.autoplay = true;
      this.root.append(this.audio);
    }
    this.audio.srcObject = new MediaStream([track]);
    this.audio.play().catch(() => askForSound());
  }

  /**
   * @param {{ video: boolean, audio: boolean }} on whether each kind is live
   */
  setMedia(on) {
    this.root.dataset.video = on.video ? 'on' : 'off';
    this.root.dataset.audio = on.audio ? 'on' : 'off';
  }

  remove() {
    this.setVideoTrack(undefined);
    this.setAudioTrack(undefined);
    this.root.remove();
  }
}

let soundPrompted = false;
/** Autoplay with sound was refused: one toast asks for the click that allows it. */
function askForSound() {
  if (soundPrompted) return;
  soundPrompted = true;
  toast('Your browser blocked the sound of this call.', {
    timeoutMs: 30_000,
    action: {
      label: 'Enable sound',
      run: () => {
        soundPrompted = false;
        for (const audio of document.querySelectorAll('audio')) audio.play().catch(() => {});
      },
    },
  });
}

/** Lays the grid out: near-square, and no taller than the space between the bars. */
function layoutGrid() {
  const count = ui.grid.childElementCount;
  const cols = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / cols));
  ui.grid.style.setProperty('--cols', String(cols));
  ui.grid.style.setProperty('--rows', String(rows));
  ui.grid.style.setProperty('--cols-narrow', String(count > 2 ? 2 : 1));
  ui.grid.dataset.count = String(count);
}

// ---------------------------------------------------------------------------
// Signaling

class SignalingError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'SignalingError';
    this.code = code;
  }
}

/** One WebSocket speaking the videorooms protocol: requests with ids, notifications. */
class Signaling {
  /**
   * @param {string} url
   * @param {(event: string, data: any) => void} onNotification
   * @param {(reason: string) => void} onClose called when the socket closes on its own
   */
  constructor(url, onNotification, onClose) {
    this.url = url;
    this.onNotification = onNotification;
    this.onClose = onClose;
    this.nextId = 1;
    /** @type {Map<number, { resolve: (data: any) => void, reject: (error: Error) => void, timer: ReturnType<typeof setTimeout> }>} */
    this.pending = new Map();
    this.closed = false;
    /** @type {WebSocket | undefined} */
    this.ws = undefined;
  }

  /** @returns {Promise<void>} */
  open() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let opened = false;
      const timer = setTimeout(() => {
        if (opened) return;
        ws.close();
        reject(new Error('the server did not answer'));
      }, OPEN_TIMEOUT_MS);
      ws.addEventListener('open', () => {
        opened = true;
        clearTimeout(timer);
        resolve();
      });
      ws.addEventListener('message', (event) => this.#onMessage(event.data));
      ws.addEventListener('close', (event) => {
        clearTimeout(timer);
        const reason = `connection closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
        this.#failPending(reason);
        if (!opened) {
          reject(new Error('cannot reach the server'));
          return;
        }
        if (!this.closed) {
          this.closed = true;
          this.onClose(reason);
        }
      });
    });
  }

  /**
   * Sends a request; resolves with the response's `data`, rejects with a
   * SignalingError carrying the server's error code.
   * @param {string} type
   * @param {Record<string, unknown>} [fields]
   * @param {number} [timeoutMs]
   * @returns {Promise<any>}
   */
  request(type, fields = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
    const ws = this.ws;
    if (this.closed || !ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error(`${type}: not connected`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${type}: no answer after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...fields, id, type }));
    });
  }

  close() {
    this.closed = true;
    this.#failPending('closed');
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000, 'bye');
  }

  /** @param {unknown} raw */
  #onMessage(raw) {
    if (this.closed) return;
    /** @type {any} */
    let message;
    try {
      message = JSON.parse(String(raw));
    } catch {
      console.warn('videorooms: a message that is not JSON', raw);
      return;
    }
    if (message?.type === 'response') {
      const entry = this.pending.get(message.id);
      if (!entry) {
        if (message.ok === false) console.warn('videorooms: server error', message.error);
        return;
      }
      this.pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.data ?? {});
      else {
        const error = message.error ?? {};
        entry.reject(
          new SignalingError(String(error.code ?? 'internal'), String(error.message ?? 'error')),
        );
      }
    } else if (message?.type === 'notification' && typeof message.event === 'string') {
      this.onNotification(message.event, message.data ?? {});
    }
  }

  /** @param {string} reason */
  #failPending(reason) {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new Error(reason));
      this.pending.delete(id);
    }
  }
}

// ---------------------------------------------------------------------------
// Application state (outlives sessions)

/**
 * @typedef {'mic' | 'camera' | 'screen'} MediaSource
 * @typedef {{ kind: 'audio' | 'video', paused: boolean, source: MediaSource }} ProducerInfo
 * @typedef {{ participantId: string, displayName: string,
 *   producers: Map<string, ProducerInfo>, tile: Tile }} Peer
 * @typedef {{ consumer: import('mediasoup-client').types.Consumer,
 *   participantId: string, producerId: string, source: MediaSource,
 *   view?: VideoView }} ConsumerEntry
 * @typedef {{ reported?: { width: number, height: number },
 *   preferredLayers?: { spatialLayer: number, temporalLayer: number } | null,
 *   paused?: boolean,
 *   currentLayers?: { spatialLayer: number | null, temporalLayer: number | null },
 *   received: { width: number, height: number },
 *   score?: number, producerScore?: number, scoreEvents: number }} VideoView
 *   what a remote video consumer's tile asked for, receives and scores
 * @typedef {{ dataConsumer: import('mediasoup-client').types.DataConsumer,
 *   participantId: string, dataProducerId: string }} DataConsumerEntry
 */

const app = {
  roomId: '',
  displayName: '',
  /** @type {string | null} */
  participantId: null,
  joined: false,
  reconnects: 0,
  retryAttempt: 0,
  /** Set while re-joining after a loss: the next successful join says so. */
  recovering: false,
  /** @type {Session | null} */
  session: null,
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  retryTimer: undefined,
  /** @type {MediaStream | null} */
  localStream: null,
  /** The getUserMedia in progress (the preview and a join share it). @type {Promise<MediaStream> | null} */
  localMediaPending: null,
  audioEnabled: true,
  videoEnabled: true,
  /** @type {Tile | null} */
  localTile: null,
  /** This participant's shared screen (kept across reconnects, like the camera). @type {MediaStreamTrack | null} */
  screenTrack: null,
  /** Hides the invite link again. @type {ReturnType<typeof setTimeout> | undefined} */
  inviteTimer: undefined,
};

function updateHeader() {
  ui.roomName.textContent = app.roomId;
  const peers = app.session?.peers.size ?? 0;
  const count = app.joined ? peers + 1 : peers;
  ui.count.textContent = `${count} ${count === 1 ? 'participant' : 'participants'}`;
  ui.alone.hidden = !app.joined || peers > 0;
  document.title = app.roomId ? `${app.roomId} · videorooms` : 'videorooms';
  layoutGrid();
}

function updateLocalTile() {
  if (!app.localTile) return;
  const stream = app.localStream;
  app.localTile.setMedia({
    video: app.videoEnabled && !!stream?.getVideoTracks().length,
    audio: app.audioEnabled && !!stream?.getAudioTracks().length,
  });
}

function updateControls() {
  const stream = app.localStream;
  const hasAudio = !!stream?.getAudioTracks().length;
  const hasVideo = !!stream?.getVideoTracks().length;
  setControl(ui.audioButton, app.audioEnabled && hasAudio, hasAudio, 'Mute', 'Unmute');
  setControl(ui.videoButton, app.videoEnabled && hasVideo, hasVideo, 'Stop video', 'Start video');
  ui.screenButton.hidden = !canShareScreen();
  ui.screenButton.dataset.sharing = String(!!app.screenTrack);
  ui.screenButton.setAttribute('aria-pressed', String(!!app.screenTrack));
  setToggle(ui.previewAudioButton, app.audioEnabled && hasAudio, hasAudio, 'Mic on', 'Mic off');
  setToggle(
    ui.previewVideoButton,
    app.videoEnabled && hasVideo,
    hasVideo,
    'Camera on',
    'Camera off',
  );
  ui.preview.dataset.video = app.videoEnabled && hasVideo ? 'on' : 'off';
  const screenLabel = ui.screenButton.querySelector('.ctl-label');
  if (screenLabel) screenLabel.textContent = app.screenTrack ? 'Stop sharing' : 'Share screen';
}

/**
 * @param {HTMLElement} button
 * @param {boolean} on
 * @param {boolean} available
 * @param {string} onLabel
 * @param {string} offLabel
 */
function setControl(button, on, available, onLabel, offLabel) {
  button.dataset.on = String(on);
  button.setAttribute('aria-pressed', String(!on));
  /** @type {HTMLButtonElement} */ (button).disabled = !available;
  const label = button.querySelector('.ctl-label');
  if (label) label.textContent = on ? onLabel : offLabel;
  button.title = available ? (on ? onLabel : offLabel) : 'No device';
}

/**
 * @param {HTMLElement} button
 * @param {boolean} on
 * @param {boolean} available
 * @param {string} onLabel
 * @param {string} offLabel
 */
function setToggle(button, on, available, onLabel, offLabel) {
  button.dataset.on = String(on);
  button.textContent = available ? (on ? onLabel : offLabel) : 'No device';
  /** @type {HTMLButtonElement} */ (button).disabled = !available;
}

/**
 * The camera and microphone (the ones picked last), asked for once and kept
 * across reconnects; the pre-join preview and the join share one request.
 * @returns {Promise<MediaStream>}
 */
function ensureLocalMedia() {
  const live = app.localStream?.getTracks().some((track) => track.readyState === 'live');
  if (app.localStream && live) return Promise.resolve(app.localStream);
  if (!app.localMediaPending) {
    app.localMediaPending = openLocalMedia().finally(() => (app.localMediaPending = null));
  }
  return app.localMediaPending;
}

/**
 * Falls back to one of the camera and microphone, then to none (the
 * participant then only watches).
 * @returns {Promise<MediaStream>}
 */
async function openLocalMedia() {
  /** @type {MediaStreamConstraints[]} */
  const attempts = [
    { audio: trackConstraints('audio'), video: trackConstraints('video') },
    { audio: false, video: trackConstraints('video') },
    { audio: trackConstraints('audio'), video: false },
  ];
  let stream = new MediaStream();
  /** @type {unknown} */
  let lastError;
  for (const constraints of attempts) {
    try {
      stream = await navigator.mediaDevices.getUserMedia(constraints);
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!stream.getTracks().length) {
    const why = lastError instanceof Error ? lastError.message : 'no device';
    toast(`No camera or microphone (${why}): you can watch, but not be seen or heard.`, {
      kind: 'error',
    });
  } else if (!stream.getVideoTracks().length) {
    toast('No camera available: joining with the microphone only.', { kind: 'error' });
  } else if (!stream.getAudioTracks().length) {
    toast('No microphone available: joining with the camera only.', { kind: 'error' });
  }
  for (const track of stream.getAudioTracks()) track.enabled = app.audioEnabled;
  for (const track of stream.getVideoTracks()) track.enabled = app.videoEnabled;
  app.localStream = stream;
  for (const track of stream.getTracks())
    saveDeviceId(track.kind === 'audio' ? 'audio' : 'video', track.getSettings().deviceId);
  void refreshPickers();
  return stream;
}

function refreshPickers() {
  return Promise.all(pickers.map((picker) => picker.refresh(app.localStream)));
}

/**
 * Uses another camera or microphone: opens it, swaps it into the local
 * stream, and, in a call, into its producer (replaceTrack: no new producer,
 * the others keep their consumer).
 * @param {'audio' | 'video'} kind
 * @param {string} deviceId
 */
async function switchDevice(kind, deviceId) {
  const stream = app.localStream;
  const old = kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
  if (old?.getSettings().deviceId === deviceId && old.readyState === 'live') return;
  /** @type {MediaStreamTrack} */
  let track;
  try {
    track = await openDevice(kind, deviceId);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    toast(`Could not open that ${kind === 'audio' ? 'microphone' : 'camera'}: ${message}`, {
      kind: 'error',
    });
    void refreshPickers();
    return;
  }
  if (app.localStream !== stream || !stream) {
    track.stop();
    return;
  }
  track.enabled = kind === 'audio' ? app.audioEnabled : app.videoEnabled;
  if (old) stream.removeTrack(old);
  stream.addTrack(track);
  saveDeviceId(kind, deviceId);
  const producer = app.session?.producers[kind];
  if (producer && !producer.closed) {
    try {
      await producer.replaceTrack({ track });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      toast(`Could not switch your ${kind === 'audio' ? 'microphone' : 'camera'}: ${message}`, {
        kind: 'error',
      });
    }
  }
  old?.stop();
  if (kind === 'video') app.localTile?.setVideoTrack(track);
  if (!ui.lobby.hidden) showPreview(stream);
  updateLocalTile();
  updateControls();
  void refreshPickers();
}

/** The pre-join preview: the camera, the microphone's level and the pickers. */
async function startPreview() {
  const stream = await ensureLocalMedia();
  if (ui.lobby.hidden) return;
  showPreview(stream);
  updateControls();
}

/** @param {MediaStream} stream */
function showPreview(stream) {
  const video = stream.getVideoTracks()[0];
  ui.previewVideo.srcObject = video ? new MediaStream([video]) : null;
  if (video) ui.previewVideo.play().catch(() => {});
  meter.attach(stream.getAudioTracks()[0]);
}

function stopPreview() {
  ui.previewVideo.srcObject = null;
  meter.detach();
}

function ensureLocalTile() {
  if (!app.localTile) {
    app.localTile = new Tile('local', app.displayName, true);
    ui.grid.prepend(app.localTile.root);
  }
  app.localTile.setName(app.displayName);
  app.localTile.setVideoTrack(app.localStream?.getVideoTracks()[0]);
  updateLocalTile();
  layoutGrid();
}

function stopLocalMedia() {
  stopScreenTrack();
  for (const track of app.localStream?.getTracks() ?? []) track.stop();
  app.localStream = null;
  app.localTile?.remove();
  app.localTile = null;
}

// ---------------------------------------------------------------------------
// Session: one socket, one join

class Session {
  constructor() {
    this.closed = false;
    /** @type {Map<string, Peer>} */
    this.peers = new Map();
    /** @type {Map<string, ConsumerEntry>} */
    this.consumers = new Map();
    /** @type {{ audio?: import('mediasoup-client').types.Producer,
     *   video?: import('mediasoup-client').types.Producer,
     *   screen?: import('mediasoup-client').types.Producer }} */
    this.producers = {};
    /** @type {Device | undefined} */
    this.device = undefined;
    /** @type {import('mediasoup-client').types.Transport | undefined} */
    this.sendTransport = undefined;
    /** @type {import('mediasoup-client').types.Transport | undefined} */
    this.recvTransport = undefined;
    /** This participant's chat channel. @type {import('mediasoup-client').types.DataProducer | undefined} */
    this.chatProducer = undefined;
    /** The other participants' chat channels. @type {Map<string, DataConsumerEntry>} */
    this.dataConsumers = new Map();
    /** The SCTP maxMessageSize of the transports: the largest chat message. */
    this.maxMessageSize = 0;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.signaling = new Signaling(
      `${scheme}//${location.host}/ws`,
      (event, data) => this.#onNotification(event, data),
      (reason) => this.#lost(`Lost the connection to the server: ${reason}.`),
    );
    /** Runs setup, then each notification, one at a time. */
    this.queue = Promise.resolve();
    /** Remote tiles' sizes, reported for their video consumers. */
    this.tileSizes = new TileSizeReporter((key, size) => this.#reportTileSize(key, size));
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.statsTimer = undefined;
    /**
     * Score/layers reports that came before their consumer was made here
     * (they are sent on change only), by consumer id; bounded.
     * @type {Map<string, Map<string, any>>} consumer id → event → its latest data
     */
    this.earlyReports = new Map();
  }

  /** Connects and joins; notifications wait until this is done. */
  start() {
    const setup = this.#setup();
    this.queue = setup.catch(() => {});
    return setup;
  }

  async #setup() {
    await this.signaling.open();
    if (this.closed) return;
    const joined = await this.signaling.request('join', {
      roomId: app.roomId,
      displayName: app.displayName,
    });
    if (this.closed) return;
    app.participantId = joined.participantId;
    speakers.setActive(joined.activeSpeaker);

    const device = new Device();
    await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
    this.device = device;
    this.sendTransport = this.#createTransport('send', joined.sendTransport);
    this.recvTransport = this.#createTransport('recv', joined.recvTransport);

    const stream = await ensureLocalMedia();
    if (this.closed) return;
    ensureLocalTile();
    updateControls();
    const audioTrack = stream.getAudioTracks()[0];
    const videoTrack = stream.getVideoTracks()[0];
    if (audioTrack && device.canProduce('audio')) {
      this.producers.audio = await this.#produce(audioTrack, app.audioEnabled);
    }
    if (this.closed) return;
    if (videoTrack && device.canProduce('video')) {
      this.producers.video = await this.#produce(videoTrack, app.videoEnabled);
    }
    if (this.closed) return;
    // A screen shared before a reconnect is shared again.
    if (app.screenTrack?.readyState === 'live') await this.shareScreen(app.screenTrack);
    if (this.closed) return;
    this.maxMessageSize = joined.sendTransport.sctpParameters?.maxMessageSize ?? 0;
    await this.#startChat();
    if (this.closed) return;

    for (const peer of joined.peers ?? []) {
      this.#addPeer(peer.participantId, peer.displayName);
      for (const producer of peer.producers ?? []) {
        this.#addProducer(
          peer.participantId,
          producer.producerId,
          producer.kind,
          producer.paused,
          producer.source,
        );
      }
    }
    app.joined = true;
    app.retryAttempt = 0;
    if (app.recovering) toast('Reconnected', { kind: 'success' });
    app.recovering = false;
    setStatus('connected', 'Connected');
    updateHeader();
    speakers.apply();
    for (const peer of joined.peers ?? []) {
      for (const producer of peer.producers ?? []) {
        await this.#consume(peer.participantId, producer.producerId);
        if (this.closed) return;
      }
    }
    for (const peer of joined.peers ?? []) {
      for (const dataProducer of peer.dataProducers ?? []) {
        await this.#consumeData(
          peer.participantId,
          dataProducer.dataProducerId,
          dataProducer.label,
        );
        if (this.closed) return;
      }
    }
  }

  /** Opens this participant's chat channel (one data producer). */
  async #startChat() {
    const transport = /** @type {import('mediasoup-client').types.Transport} */ (
      this.sendTransport
    );
    if (!this.maxMessageSize) {
      console.warn('videorooms: the server offers no data channels; chat disabled');
      return;
    }
    const producer = await transport.produceData({ label: CHAT_LABEL, ordered: true });
    if (this.closed) {
      producer.close();
      return;
    }
    this.chatProducer = producer;
    const ready = () => {
      if (app.session === this && !this.closed) chat.setReady(producer.readyState === 'open');
    };
    producer.on('open', ready);
    producer.on('close', ready);
    producer.on('error', (error) => console.warn('videorooms: chat channel:', error));
    ready();
  }

  /**
   * Sends a chat message on this participant's channel and shows it.
   * @param {string} text
   * @returns {boolean} whether it was sent
   */
  sendChat(text) {
    const producer = this.chatProducer;
    if (!producer || producer.readyState !== 'open') {
      toast('The chat is not connected yet.', { kind: 'error' });
      return false;
    }
    const time = Date.now();
    const message = encodeChatMessage(app.displayName, text, time);
    if (new TextEncoder().encode(message).length > this.maxMessageSize) {
      toast('That message is too long.', { kind: 'error' });
      return false;
    }
    producer.send(message);
    chat.add({ name: app.displayName, time, text, local: true });
    return true;
  }

  /**
   * Consumes another participant's chat channel: its messages from now on.
   * @param {string} participantId
   * @param {string} dataProducerId
   * @param {string} label
   */
  async #consumeData(participantId, dataProducerId, label) {
    if (this.closed || label !== CHAT_LABEL || !this.maxMessageSize) return;
    for (const entry of this.dataConsumers.values()) {
      if (entry.dataProducerId === dataProducerId) return;
    }
    const transport = /** @type {import('mediasoup-client').types.Transport} */ (
      this.recvTransport
    );
    try {
      const data = await this.signaling.request('consumeData', { dataProducerId });
      if (this.closed) return;
      const dataConsumer = await transport.consumeData({
        id: data.dataConsumerId,
        dataProducerId: data.dataProducerId,
        sctpStreamParameters: data.sctpStreamParameters,
        label: data.label,
        protocol: data.protocol,
      });
      if (this.closed) {
        dataConsumer.close();
        return;
      }
      const owner = data.participantId ?? participantId;
      this.dataConsumers.set(dataConsumer.id, {
        dataConsumer,
        participantId: owner,
        dataProducerId,
      });
      dataConsumer.on('message', (raw) => {
        const message = decodeChatMessage(raw);
        if (!message || this.closed) return;
        // The name the server knows for the channel's owner wins over the one in the message.
        const name = this.peers.get(owner)?.displayName || message.name;
        chat.add({ name, time: message.time, text: message.text, local: false });
      });
    } catch (error) {
      if (this.closed) return;
      const message = error instanceof Error ? error.message : String(error);
      console.warn(`videorooms: consumeData ${dataProducerId}: ${message}`);
    }
  }

  /** @param {string} dataConsumerId */
  #closeDataConsumer(dataConsumerId) {
    const entry = this.dataConsumers.get(dataConsumerId);
    if (!entry) return;
    this.dataConsumers.delete(dataConsumerId);
    entry.dataConsumer.close();
  }

  /**
   * @param {'send' | 'recv'} direction
   * @param {any} params
   */
  #createTransport(direction, params) {
    const device = /** @type {Device} */ (this.device);
    const options = {
      id: params.id,
      iceParameters: params.iceParameters,
      iceCandidates: params.iceCandidates,
      dtlsParameters: params.dtlsParameters,
      sctpParameters: params.sctpParameters,
    };
    const transport =
      direction === 'send'
        ? device.createSendTransport(options)
        : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.signaling
          .request('produce', { transportId: transport.id, kind, rtpParameters, appData })
          .then((data) => callback({ id: data.producerId }), errback);
      });
      transport.on(
        'producedata',
        ({ sctpStreamParameters, label, protocol }, callback, errback) => {
          this.signaling
            .request('produceData', {
              transportId: transport.id,
              sctpStreamParameters,
              label,
              protocol,
            })
            .then((data) => callback({ id: data.dataProducerId }), errback);
        },
      );
    }
    transport.on('connectionstatechange', (state) => {
      if (this.closed) return;
      if (state === 'failed') {
        this.#lost(
          `The ${direction === 'send' ? 'outgoing' : 'incoming'} media connection failed.`,
        );
      } else if (state === 'disconnected') {
        setStatus('reconnecting', 'Media interrupted…');
      } else if (state === 'connected' && app.joined) {
        setStatus('connected', 'Connected');
      }
    });
    return transport;
  }

  /**
   * @param {MediaStreamTrack} track
   * @param {boolean} enabled
   */
  async #produce(track, enabled) {
    const transport = /** @type {import('mediasoup-client').types.Transport} */ (
      this.sendTransport
    );
    // The tracks outlive this session (a reconnect produces them again).
    const options =
      track.kind === 'video'
        ? {
            encodings: videoEncodings(track),
            // Start high enough for the top layer to appear within seconds.
            codecOptions: { videoGoogleStartBitrate: 1000 },
            // The camera's size: the server picks each tile's layer from it.
            appData: { width: track.getSettings().width, height: track.getSettings().height },
          }
        : {};
    const producer = await transport.produce({ track, stopTracks: false, ...options });
    if (!enabled) {
      producer.pause();
      track.enabled = false;
      await this.signaling.request('pauseProducer', { producerId: producer.id });
    }
    return producer;
  }

  /**
   * Publishes a screen track; false (with a toast) if the server refused it,
   * e.g. because someone else is sharing.
   * @param {MediaStreamTrack} track
   * @returns {Promise<boolean>}
   */
  async shareScreen(track) {
    const transport = /** @type {import('mediasoup-client').types.Transport} */ (
      this.sendTransport
    );
    if (!this.device?.canProduce('video')) return false;
    try {
      this.producers.screen = await transport.produce({
        track,
        stopTracks: false,
        ...screenProduceOptions(track),
      });
      return true;
    } catch (error) {
      if (!this.closed) {
        const message = error instanceof Error ? error.message : String(error);
        toast(`Could not share your screen: ${message}`, { kind: 'error' });
      }
      return false;
    }
  }

  /** Closes the screen producer here and on the server. */
  async stopScreen() {
    const producer = this.producers.screen;
    this.producers.screen = undefined;
    if (!producer || producer.closed) return;
    producer.close();
    await this.signaling.request('closeProducer', { producerId: producer.id }).catch(() => {});
  }

  /**
   * @param {string} participantId
   * @param {string} displayName
   */
  #addPeer(participantId, displayName) {
    let peer = this.peers.get(participantId);
    if (peer) {
      if (displayName) {
        peer.displayName = displayName;
        peer.tile.setName(displayName);
      }
      return peer;
    }
    const tile = new Tile(participantId, displayName, false);
    peer = { participantId, displayName, producers: new Map(), tile };
    this.peers.set(participantId, peer);
    ui.grid.append(tile.root);
    this.tileSizes.observe(tile.root, participantId);
    updateHeader();
    speakers.apply();
    return peer;
  }

  /** @param {string} participantId */
  #removePeer(participantId) {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    for (const [id, entry] of this.consumers) {
      if (entry.participantId === participantId) this.#closeConsumer(id);
    }
    for (const [id, entry] of this.dataConsumers) {
      if (entry.participantId === participantId) this.#closeDataConsumer(id);
    }
    this.tileSizes.unobserve(peer.tile.root);
    peer.tile.remove();
    this.peers.delete(participantId);
    updateHeader();
  }

  /**
   * @param {string} participantId
   * @param {string} producerId
   * @param {'audio' | 'video'} kind
   * @param {boolean} paused
   * @param {unknown} source
   */
  #addProducer(participantId, producerId, kind, paused, source) {
    const peer = this.peers.get(participantId) ?? this.#addPeer(participantId, '');
    /** @type {MediaSource} */
    const known =
      source === 'screen' && kind === 'video' ? 'screen' : kind === 'audio' ? 'mic' : 'camera';
    peer.producers.set(producerId, { kind, paused: !!paused, source: known });
    this.#refreshTile(peer);
  }

  /**
   * @param {string} participantId
   * @param {string} producerId
   */
  async #consume(participantId, producerId) {
    const peer = this.peers.get(participantId);
    if (!peer?.producers.has(producerId) || this.closed) return;
    for (const entry of this.consumers.values()) if (entry.producerId === producerId) return;
    const device = /** @type {Device} */ (this.device);
    const transport = /** @type {import('mediasoup-client').types.Transport} */ (
      this.recvTransport
    );
    try {
      const data = await this.signaling.request('consume', {
        producerId,
        rtpCapabilities: device.rtpCapabilities,
      });
      if (this.closed) return;
      const consumer = await transport.consume({
        id: data.consumerId,
        producerId: data.producerId,
        kind: data.kind,
        rtpParameters: data.rtpParameters,
      });
      if (this.closed) {
        consumer.close();
        return;
      }
      const owner = data.participantId ?? participantId;
      const source = peer.producers.get(producerId)?.source ?? 'camera';
      /** @type {ConsumerEntry} */
      const entry = { consumer, participantId: owner, producerId, source };
      if (consumer.kind === 'video')
        entry.view = { received: { width: 0, height: 0 }, scoreEvents: 0 };
      this.consumers.set(consumer.id, entry);
      for (const [event, early] of this.earlyReports.get(consumer.id) ?? []) {
        this.#onConsumerReport(event, early);
      }
      this.earlyReports.delete(consumer.id);
      const ownerPeer = this.peers.get(owner) ?? peer;
      if (source === 'screen') {
        stage.showRemote(owner, producerId, ownerPeer.displayName, consumer.track);
        this.tileSizes.unobserve(stage.remote);
        this.tileSizes.observe(stage.remote, `screen:${producerId}`);
      } else if (consumer.kind === 'video') ownerPeer.tile.setVideoTrack(consumer.track);
      else ownerPeer.tile.setAudioTrack(consumer.track);
      this.#refreshTile(ownerPeer);
      await this.signaling.request('resumeConsumer', { consumerId: consumer.id });
      if (consumer.kind === 'video') {
        this.tileSizes.reportNow(source === 'screen' ? stage.remote : ownerPeer.tile.root);
        this.#startStats();
      }
    } catch (error) {
      if (this.closed) return;
      const message = error instanceof Error ? error.message : String(error);
      console.warn(`videorooms: consume ${producerId}: ${message}`);
      const who = peer.displayName || 'a participant';
      if (error instanceof SignalingError && error.code === 'unsupported') {
        toast(`Your browser cannot play the media of ${who}.`, { kind: 'error' });
      } else if (!(error instanceof SignalingError && error.code === 'not-found')) {
        toast(`Could not receive the media of ${who}: ${message}`, { kind: 'error' });
      }
    }
  }

  /**
   * Tells the server how big a tile is, for its video consumer: a peer's
   * camera tile (`key` is the participant id) or the stage (`screen:<producerId>`).
   * @param {string} key
   * @param {{ width: number, height: number }} size device pixels
   * @returns {Promise<boolean>} false when there is no such video consumer yet
   */
  async #reportTileSize(key, size) {
    if (this.closed) return false;
    const screen = key.startsWith('screen:') ? key.slice('screen:'.length) : undefined;
    const entry = [...this.consumers.values()].find((e) =>
      screen ? e.producerId === screen : e.participantId === key && e.view && e.source !== 'screen',
    );
    if (!entry?.view) return false;
    const data = await this.signaling.request('setTileSize', {
      consumerId: entry.consumer.id,
      ...size,
    });
    entry.view.reported = size;
    entry.view.preferredLayers = data.preferredLayers ?? null;
    entry.view.paused = !!data.paused;
    return true;
  }

  /** Reads each video consumer's received resolution into its tile, every second. */
  #startStats() {
    if (this.statsTimer || this.closed) return;
    let busy = false;
    this.statsTimer = setInterval(() => {
      if (busy || this.closed) return;
      busy = true;
      this.#readStats().finally(() => (busy = false));
    }, STATS_INTERVAL_MS);
  }

  async #readStats() {
    for (const entry of [...this.consumers.values()]) {
      if (!entry.view || entry.consumer.closed) continue;
      /** @type {RTCStatsReport} */
      let report;
      try {
        report = await entry.consumer.getStats();
      } catch {
        continue;
      }
      if (this.closed || entry.consumer.closed) return;
      for (const stats of report.values()) {
        if (stats.type !== 'inbound-rtp' || stats.kind !== 'video') continue;
        const width = stats.frameWidth ?? 0;
        const height = stats.frameHeight ?? 0;
        entry.view.received = { width, height };
        if (entry.source === 'screen') continue;
        this.peers.get(entry.participantId)?.tile.indicators?.setResolution(width, height);
      }
    }
  }

  /** @param {string} consumerId */
  #closeConsumer(consumerId) {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    entry.consumer.close();
    if (entry.source === 'screen') {
      this.tileSizes.unobserve(stage.remote);
      stage.clearRemote(entry.producerId);
    }
    const peer = this.peers.get(entry.participantId);
    if (!peer) return;
    if (entry.source === 'screen') return;
    if (entry.consumer.kind === 'video') peer.tile.setVideoTrack(undefined);
    else peer.tile.setAudioTrack(undefined);
    this.#refreshTile(peer);
  }

  /** @param {Peer} peer */
  #refreshTile(peer) {
    /** @param {'audio' | 'video'} kind */
    const live = (kind) =>
      [...this.consumers.values()].some((entry) => {
        if (entry.participantId !== peer.participantId || entry.consumer.kind !== kind) {
          return false;
        }
        if (entry.source === 'screen') return false;
        return !peer.producers.get(entry.producerId)?.paused;
      });
    peer.tile.setMedia({ video: live('video'), audio: live('audio') });
  }

  /**
   * @param {string} event
   * @param {any} data
   */
  #onNotification(event, data) {
    if (this.closed) return;
    if (event === 'reconnect') {
      // Not queued: the queue may be stuck on a request to the dead worker.
      const reason = typeof data?.reason === 'string' ? ` (${data.reason})` : '';
      console.warn(`videorooms: reconnect${reason}`);
      rejoin('The room moved to another media server: reconnecting…', 0);
      return;
    }
    if (event === 'activeSpeaker' || event === 'audioLevels') {
      // Not queued: they come often and only paint tiles.
      if (event === 'activeSpeaker') speakers.setActive(data);
      else speakers.setLevels(data);
      return;
    }
    if (event === 'consumerScore' || event === 'consumerLayersChanged') {
      // Not queued either: they describe consumers already made, and come often.
      this.#onConsumerReport(event, data);
      return;
    }
    this.queue = this.queue
      .then(() => this.#handle(event, data))
      .catch((error) => console.warn(`videorooms: ${event}:`, error));
  }

  /**
   * A video consumer's score or layers changed (ignored for one not made here).
   * @param {string} event
   * @param {any} data
   */
  #onConsumerReport(event, data) {
    const consumerId = String(data?.consumerId);
    const entry = this.consumers.get(consumerId);
    if (!entry) {
      const early = this.earlyReports.get(consumerId) ?? new Map();
      early.set(event, data);
      this.earlyReports.set(consumerId, early);
      while (this.earlyReports.size > MAX_EARLY_REPORTS) {
        const oldest = this.earlyReports.keys().next().value;
        if (oldest === undefined) break;
        this.earlyReports.delete(oldest);
      }
      return;
    }
    if (!entry.view) return;
    if (event === 'consumerScore') {
      if (typeof data.score !== 'number') return;
      entry.view.score = data.score;
      entry.view.producerScore = data.producerScore;
      entry.view.scoreEvents++;
      if (entry.source === 'screen') return;
      this.peers
        .get(entry.participantId)
        ?.tile.indicators?.setScore(data.score, Number(data.producerScore));
    } else {
      entry.view.currentLayers = {
        spatialLayer: data.spatialLayer ?? null,
        temporalLayer: data.temporalLayer ?? null,
      };
    }
  }

  /**
   * @param {string} event
   * @param {any} data
   */
  async #handle(event, data) {
    if (this.closed) return;
    switch (event) {
      case 'participantJoined': {
        this.#addPeer(data.participantId, data.displayName);
        toast(`${data.displayName} joined`);
        break;
      }
      case 'participantLeft': {
        const peer = this.peers.get(data.participantId);
        this.#removePeer(data.participantId);
        if (peer) toast(`${peer.displayName || 'A participant'} left`);
        break;
      }
      case 'newProducer': {
        this.#addProducer(data.participantId, data.producerId, data.kind, data.paused, data.source);
        await this.#consume(data.participantId, data.producerId);
        break;
      }
      case 'producerClosed': {
        const peer = this.peers.get(data.participantId);
        for (const [id, entry] of this.consumers) {
          if (entry.producerId === data.producerId) this.#closeConsumer(id);
        }
        if (peer) {
          peer.producers.delete(data.producerId);
          this.#refreshTile(peer);
        }
        break;
      }
      case 'producerPaused':
      case 'producerResumed': {
        const peer = this.peers.get(data.participantId);
        const producer = peer?.producers.get(data.producerId);
        if (peer && producer) {
          producer.paused = event === 'producerPaused';
          this.#refreshTile(peer);
        }
        break;
      }
      case 'consumerClosed': {
        const entry = this.consumers.get(data.consumerId);
        this.#closeConsumer(data.consumerId);
        const peer = entry && this.peers.get(entry.participantId);
        if (peer) {
          peer.producers.delete(entry.producerId);
          this.#refreshTile(peer);
        }
        break;
      }
      case 'newDataProducer': {
        await this.#consumeData(data.participantId, data.dataProducerId, data.label);
        break;
      }
      case 'dataConsumerClosed': {
        this.#closeDataConsumer(data.dataConsumerId);
        break;
      }
      default:
        console.debug(`videorooms: ignored notification ${event}`);
    }
  }

  /** @param {string} message */
  #lost(message) {
    if (this.closed || app.session !== this) return;
    rejoin(message, retryDelay());
  }

  /** Drops everything this session holds (tiles of remote peers included). */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.signaling.close();
    this.tileSizes.disconnect();
    clearInterval(this.statsTimer);
    for (const entry of this.consumers.values()) entry.consumer.close();
    this.consumers.clear();
    this.tileSizes.unobserve(stage.remote);
    if (stage.shown) stage.clearRemote(stage.shown.producerId);
    for (const entry of this.dataConsumers.values()) entry.dataConsumer.close();
    this.dataConsumers.clear();
    this.chatProducer?.close();
    chat.setReady(false);
    this.sendTransport?.close();
    this.recvTransport?.close();
    for (const peer of this.peers.values()) peer.tile.remove();
    this.peers.clear();
    speakers.clear();
  }
}

// ---------------------------------------------------------------------------
// Joining, re-joining, leaving

function retryDelay() {
  const delay = RETRY_DELAYS_MS[Math.min(app.retryAttempt, RETRY_DELAYS_MS.length - 1)];
  app.retryAttempt++;
  return delay;
}

/** Starts a new session (dropping the current one). */
function startSession() {
  clearTimeout(app.retryTimer);
  app.retryTimer = undefined;
  app.session?.close();
  app.joined = false;
  const session = new Session();
  app.session = session;
  showView('call');
  updateHeader();
  session.start().catch((error) => {
    if (session.closed || app.session !== session) return;
    const message = error instanceof Error ? error.message : String(error);
    console.warn(`videorooms: join failed: ${message}`);
    if (error instanceof SignalingError && error.code === 'bad-request') {
      session.close();
      app.session = null;
      stopLocalMedia();
      setStatus('error', 'Not connected');
      showLobby(`The server refused to join: ${message}`);
      return;
    }
    const delay = retryDelay();
    // One toast for a run of failures; the status pill counts down the rest.
    if (app.retryAttempt === 1) toast(`Could not join: ${message}.`, { kind: 'error' });
    scheduleRejoin(delay);
  });
}

/**
 * Drops the session at once (tiles, consumers, transports) and joins again
 * after `delayMs`.
 * @param {string} message
 * @param {number} delayMs
 */
function rejoin(message, delayMs) {
  app.reconnects++;
  app.session?.close();
  app.session = null;
  app.joined = false;
  updateHeader();
  toast(message, { kind: 'error', timeoutMs: 5_000 });
  scheduleRejoin(delayMs);
}

/** @param {number} delayMs */
function scheduleRejoin(delayMs) {
  app.session?.close();
  app.session = null;
  app.joined = false;
  app.recovering = true;
  clearTimeout(app.retryTimer);
  const due = Date.now() + delayMs;
  const tick = () => {
    const remaining = due - Date.now();
    if (remaining >= 1000) {
      setStatus('reconnecting', `Reconnecting in ${Math.ceil(remaining / 1000)} s…`);
      app.retryTimer = setTimeout(tick, remaining - 1000 * Math.floor((remaining - 1) / 1000));
      return;
    }
    setStatus('reconnecting', 'Reconnecting…');
    app.retryTimer = setTimeout(
      () => {
        app.retryTimer = undefined;
        startSession();
      },
      Math.max(0, remaining),
    );
  };
  tick();
}

/**
 * @param {string} roomId
 * @param {string} displayName
 */
function join(roomId, displayName) {
  stopPreview();
  app.roomId = roomId;
  app.displayName = displayName;
  app.retryAttempt = 0;
  app.recovering = false;
  chat.clear();
  setStatus('connecting', 'Connecting…');
  startSession();
}

async function leave() {
  clearTimeout(app.retryTimer);
  app.retryTimer = undefined;
  const session = app.session;
  app.session = null;
  app.joined = false;
  app.participantId = null;
  if (session && !session.closed) {
    await session.signaling.request('leave', {}, 2_000).catch(() => {});
    session.close();
  }
  stopLocalMedia();
  updateHeader();
  setStatus('left', 'Left');
  ui.leftDetail.textContent = `You left “${app.roomId}”. Rejoin it, or pick another room.`;
  showView('left');
}

/** The room's link without a name: whoever opens it gets the pre-join panel. */
function inviteLink() {
  return `${location.origin}${location.pathname}?room=${encodeURIComponent(app.roomId)}`;
}

/**
 * Copies the invite link (the Clipboard API, else the older execCommand on
 * the shown field) and shows it, selected, so it can be copied by hand too.
 */
async function copyInviteLink() {
  const link = inviteLink();
  ui.inviteLink.value = link;
  ui.invite.hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(link);
    copied = true;
  } catch {
    ui.inviteLink.select();
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
  }
  ui.inviteLink.focus();
  ui.inviteLink.select();
  ui.inviteStatus.textContent = copied ? 'Copied' : 'Copy it from here';
  ui.invite.dataset.copied = String(copied);
  if (copied) toast('Invite link copied', { kind: 'success' });
  clearTimeout(app.inviteTimer);
  app.inviteTimer = setTimeout(() => (ui.invite.hidden = true), 15_000);
}

/** @param {string} [error] */
function showLobby(error) {
  showView('lobby');
  document.title = 'videorooms';
  ui.formError.hidden = !error;
  ui.formError.textContent = error ?? '';
  if (!ui.roomInput.value) ui.roomInput.focus();
  else ui.nameInput.focus();
  void startPreview();
}

// ---------------------------------------------------------------------------
// Controls

/** @param {boolean} enabled */
function setAudioEnabled(enabled) {
  app.audioEnabled = enabled;
  setProducerEnabled('audio', enabled);
}

/** @param {boolean} enabled */
function setVideoEnabled(enabled) {
  app.videoEnabled = enabled;
  setProducerEnabled('video', enabled);
}

/**
 * @param {'audio' | 'video'} kind
 * @param {boolean} enabled
 */
function setProducerEnabled(kind, enabled) {
  const tracks =
    kind === 'audio' ? app.localStream?.getAudioTracks() : app.localStream?.getVideoTracks();
  for (const track of tracks ?? []) track.enabled = enabled;
  const session = app.session;
  const producer = session?.producers[kind];
  if (session && producer && !producer.closed) {
    if (enabled) producer.resume();
    else producer.pause();
    session.signaling
      .request(enabled ? 'resumeProducer' : 'pauseProducer', { producerId: producer.id })
      .catch((error) => {
        if (!session.closed)
          toast(`Could not update your ${kind}: ${error.message}`, { kind: 'error' });
      });
  }
  updateLocalTile();
  updateControls();
}

/**
 * Shares a screen: the browser's picker, then a second video producer. The
 * browser's own "stop sharing" ends the track, which stops the share too.
 */
async function startScreenShare() {
  const session = app.session;
  if (app.screenTrack || !session || !app.joined) return;
  /** @type {MediaStreamTrack} */
  let track;
  try {
    track = await captureScreen();
  } catch (error) {
    // The user cancelled the picker, or the browser refused.
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof DOMException && error.name === 'NotAllowedError')) {
      toast(`Could not share your screen: ${message}`, { kind: 'error' });
    }
    return;
  }
  if (app.session !== session || session.closed) {
    track.stop();
    return;
  }
  app.screenTrack = track;
  track.addEventListener('ended', () => {
    if (app.screenTrack === track) void stopScreenShare();
  });
  stage.setLocal(track);
  updateControls();
  if (!(await session.shareScreen(track)) && app.screenTrack === track) stopScreenTrack();
}

async function stopScreenShare() {
  stopScreenTrack();
  await app.session?.stopScreen();
}

function stopScreenTrack() {
  app.screenTrack?.stop();
  app.screenTrack = null;
  stage.setLocal(null);
  updateControls();
}

ui.previewAudioButton.addEventListener('click', () => setAudioEnabled(!app.audioEnabled));
ui.previewVideoButton.addEventListener('click', () => setVideoEnabled(!app.videoEnabled));
// The meter's AudioContext may only run after a click (autoplay policy).
ui.form.addEventListener('pointerdown', () => meter.wake());
ui.form.addEventListener('keydown', () => meter.wake());
ui.devicesButton.addEventListener('click', () => {
  const open = ui.devicesPanel.hidden;
  ui.devicesPanel.hidden = !open;
  ui.devicesButton.setAttribute('aria-expanded', String(open));
  if (open) void refreshPickers();
});
navigator.mediaDevices?.addEventListener('devicechange', () => void refreshPickers());

ui.screenButton.addEventListener('click', () => {
  if (app.screenTrack) void stopScreenShare();
  else void startScreenShare();
});
ui.audioButton.addEventListener('click', () => setAudioEnabled(!app.audioEnabled));
ui.videoButton.addEventListener('click', () => setVideoEnabled(!app.videoEnabled));
ui.leaveButton.addEventListener('click', () => void leave());
ui.rejoinButton.addEventListener('click', () => join(app.roomId, app.displayName));
ui.copyLinkButton.addEventListener('click', () => void copyInviteLink());
ui.roomName.addEventListener('click', () => void copyInviteLink());

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const roomId = ui.roomInput.value.trim();
  const displayName = ui.nameInput.value.trim();
  if (!ROOM_RE.test(roomId)) {
    showLobby('A room name is 1–64 letters, digits, "-" or "_".');
    ui.roomInput.focus();
    return;
  }
  if (!displayName || displayName.length > 64) {
    showLobby('Your name is 1–64 characters.');
    ui.nameInput.focus();
    return;
  }
  try {
    localStorage.setItem('videorooms.name', displayName);
  } catch {
    // storage may be disabled
  }
  const url = new URL(location.href);
  url.searchParams.set('room', roomId);
  url.searchParams.set('name', displayName);
  history.replaceState(null, '', url);
  join(roomId, displayName);
});

window.addEventListener('pagehide', () => {
  app.session?.close();
});

// ---------------------------------------------------------------------------
// Test hooks

/** @type {any} */ (window).videorooms = {
  state() {
    const session = app.session;
    return {
      joined: app.joined,
      participantId: app.participantId,
      roomId: app.roomId,
      displayName: app.displayName,
      status: ui.status.dataset.state,
      reconnects: app.reconnects,
      audioEnabled: app.audioEnabled,
      videoEnabled: app.videoEnabled,
      devices: {
        // What the local stream uses, and what the producers send.
        camera: app.localStream?.getVideoTracks()[0]?.label ?? null,
        mic: app.localStream?.getAudioTracks()[0]?.label ?? null,
        publishedCamera: session?.producers.video?.track?.label ?? null,
        publishedMic: session?.producers.audio?.track?.label ?? null,
      },
      peers: [...(session?.peers.values() ?? [])].map((peer) => {
        const cameras = [...(session?.consumers.values() ?? [])].filter(
          (entry) =>
            entry.participantId === peer.participantId &&
            entry.consumer.kind === 'video' &&
            entry.source !== 'screen',
        );
        return {
          participantId: peer.participantId,
          displayName: peer.displayName,
          hasVideo: cameras.length > 0,
          video: structuredClone(cameras.find((entry) => entry.view)?.view ?? null),
        };
      }),
      speakers: {
        active: speakers.active,
        levels: Object.fromEntries(speakers.levels),
      },
      screen: {
        // This participant's share: its producer, once the server took it.
        sharing: !!app.screenTrack,
        producerId: session?.producers.screen?.closed
          ? null
          : (session?.producers.screen?.id ?? null),
        // The remote screen on this page's stage.
        stage: stage.shown ? { ...stage.shown } : null,
      },
      chat: {
        open: session?.chatProducer?.readyState === 'open',
        // The other participants' chat channels open here.
        channels: [...(session?.dataConsumers.values() ?? [])].filter(
          (entry) => entry.dataConsumer.readyState === 'open',
        ).length,
        messages: chat.entries.map((entry) => ({ ...entry })),
      },
    };
  },
  /** One entry per remote video consumer, from its receiver's getStats(). */
  async inboundVideoStats() {
    const session = app.session;
    if (!session) return [];
    const entries = [...session.consumers.values()].filter((e) => e.consumer.kind === 'video');
    const results = [];
    for (const entry of entries) {
      if (entry.consumer.closed) continue;
      /** @type {RTCStatsReport} */
      let report;
      try {
        report = await entry.consumer.getStats();
      } catch {
        continue;
      }
      for (const stats of report.values()) {
        if (stats.type !== 'inbound-rtp' || stats.kind !== 'video') continue;
        results.push({
          participantId: entry.participantId,
          consumerId: entry.consumer.id,
          source: entry.source,
          framesDecoded: stats.framesDecoded ?? 0,
          frameWidth: stats.frameWidth ?? 0,
          frameHeight: stats.frameHeight ?? 0,
          packetsReceived: stats.packetsReceived ?? 0,
        });
      }
    }
    return results;
  },
  leave,
};

// ---------------------------------------------------------------------------
// Start: ?room=NAME&name=DISPLAY joins at once; otherwise the form.

const params = new URLSearchParams(location.search);
const roomParam = (params.get('room') ?? '').trim();
const nameParam = (params.get('name') ?? '').trim();
ui.roomInput.value = roomParam;
try {
  ui.nameInput.value = nameParam || localStorage.getItem('videorooms.name') || '';
} catch {
  ui.nameInput.value = nameParam;
}
updateControls();
if (roomParam && nameParam && ROOM_RE.test(roomParam) && nameParam.length <= 64) {
  join(roomParam, nameParam);
} else {
  setStatus('idle', 'Not connected');
  showLobby(
    roomParam && !ROOM_RE.test(roomParam)
      ? 'That room name is not valid: use 1–64 letters, digits, "-" or "_".'
      : undefined,
  );
}
