// @ts-check
/**
 * Screen sharing in the videorooms client: capturing a screen (getDisplayMedia,
 * `contentHint` 'detail' so the encoder keeps text sharp and drops frames
 * rather than resolution), how it is sent (one encoding: a screen is not
 * simulcast, PROTOCOL.md "Screen sharing") and the stage that shows it: the
 * room's shared screen large above the tiles for everyone else, and a small
 * preview with a stop button for the one who shares.
 */

/** A screen's bitrate cap: text stays readable at 1080p and a few frames a second. */
const SCREEN_MAX_BITRATE = 2_500_000;

/** Whether this browser can share a screen at all. */
export function canShareScreen() {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/**
 * Asks the user for a screen, a window or a tab; rejects if they refuse.
 * @returns {Promise<MediaStreamTrack>}
 */
export async function captureScreen() {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { frameRate: { ideal: 15, max: 30 } },
    audio: false,
  });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('the browser gave no screen track');
  track.contentHint = 'detail';
  return track;
}

/**
 * mediasoup-client produce() options for a screen track: a single encoding
 * (no simulcast, no temporal layers: the consumer is a simple one and its
 * tile size only pauses or resumes it), and its size for the server.
 * @param {MediaStreamTrack} track
 */
export function screenProduceOptions(track) {
  const { width, height } = track.getSettings();
  /** @type {Record<string, unknown>} */
  const appData = { source: 'screen' };
  if (width && height) Object.assign(appData, { width, height });
  return {
    encodings: [{ maxBitrate: SCREEN_MAX_BITRATE }],
    codecOptions: { videoGoogleStartBitrate: 1000 },
    appData,
  };
}

/**
 * The stage: the shared screen of another participant, large (`remote`), and
 * this participant's own share as a small preview with a stop button
 * (`local`). `call.dataset.stage` tells the stylesheet which is shown, so the
 * tiles shrink into a strip under a remote screen.
 */
export class Stage {
  /**
   * @param {HTMLElement} call the call section (gets `data-stage`)
   * @param {HTMLElement} root the stage element inside it
   * @param {() => void} onStop the local preview's stop button
   */
  constructor(call, root, onStop) {
    this.call = call;
    this.root = root;
    this.remote = document.createElement('div');
    this.remote.className = 'stage-remote';
    this.remoteVideo = stageVideo();
    this.remoteLabel = document.createElement('div');
    this.remoteLabel.className = 'stage-label';
    this.remote.append(this.remoteVideo, this.remoteLabel);
    this.remote.hidden = true;
    this.local = document.createElement('div');
    this.local.className = 'stage-local';
    this.localVideo = stageVideo();
    const text = document.createElement('span');
    text.textContent = 'You are sharing your screen';
    const stop = document.createElement('button');
    stop.type = 'button';
    stop.className = 'btn stage-stop';
    stop.id = 'stage-stop-button';
    stop.textContent = 'Stop sharing';
    stop.addEventListener('click', onStop);
    this.local.append(this.localVideo, text, stop);
    this.local.hidden = true;
    this.root.append(this.remote, this.local);
    /** @type {{ participantId: string, producerId: string } | null} */
    this.shown = null;
    this.#update();
  }

  /**
   * Shows another participant's screen (replacing any shown before).
   * @param {string} participantId
   * @param {string} producerId
   * @param {string} displayName
   * @param {MediaStreamTrack} track
   */
  showRemote(participantId, producerId, displayName, track) {
    this.shown = { participantId, producerId };
    this.remote.dataset.participantId = participantId;
    this.remote.dataset.producerId = producerId;
    this.remoteLabel.textContent = `${displayName || 'A participant'}’s screen`;
    this.remoteVideo.srcObject = new MediaStream([track]);
    this.remoteVideo.play().catch(() => {});
    this.remote.hidden = false;
    this.#update();
  }

  /** Removes a remote screen, if it is the one shown. @param {string} producerId */
  clearRemote(producerId) {
    if (this.shown?.producerId !== producerId) return;
    this.shown = null;
    delete this.remote.dataset.participantId;
    delete this.remote.dataset.producerId;
    this.remoteVideo.srcObject = null;
    this.remote.hidden = true;
    this.#update();
  }

  /** @param {MediaStreamTrack | null} track this participant's screen, or null */
  setLocal(track) {
    this.localVideo.srcObject = track ? new MediaStream([track]) : null;
    if (track) this.localVideo.play().catch(() => {});
    this.local.hidden = !track;
    this.#update();
  }

  #update() {
    const remote = !this.remote.hidden;
    const local = !this.local.hidden;
    this.root.hidden = !remote && !local;
    this.call.dataset.stage = remote ? 'remote' : local ? 'local' : 'off';
  }
}

function stageVideo() {
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true;
  return video;
}
