// @ts-check
/**
 * What a tile shows and asks for: the simulcast encodings a publisher sends
 * for its camera, the size a remote tile reports to the server (which picks
 * the layer that fits it, see examples/videorooms/layers.ts), and the tile's
 * indicators: the resolution it receives and a network quality dot that
 * follows the consumer's score.
 */

/** Resizes settle for this long before a tile reports its size. */
export const RESIZE_DEBOUNCE_MS = 250;

/** A rate-limited report is tried again after this long. */
const RETRY_MS = 1_000;

/**
 * Simulcast encodings for a camera track: three layers (¼, ½, full) from
 * 540 lines up, two from 360, one below; each with three temporal layers.
 * Browsers drop layers a small source cannot fill, so ask only for real ones.
 * @param {MediaStreamTrack} track
 * @returns {RTCRtpEncodingParameters[]}
 */
export function videoEncodings(track) {
  const { width = 640, height = 480 } = track.getSettings();
  const lines = Math.min(width, height);
  const scales = lines >= 540 ? [4, 2, 1] : lines >= 360 ? [2, 1] : [1];
  return scales.map((scale) => ({
    scaleResolutionDownBy: scale,
    maxBitrate: bitrateFor((width / scale) * (height / scale)),
    scalabilityMode: 'L1T3',
  }));
}

/** @param {number} pixels */
function bitrateFor(pixels) {
  if (pixels <= 320 * 240) return 150_000;
  if (pixels <= 640 * 480) return 500_000;
  return 1_500_000;
}

/**
 * A score (mediasoup's 0–10) as a quality: ≥ 8 good, 5–7 fair, below 5 poor.
 * @param {number | undefined} score
 * @returns {'good' | 'fair' | 'poor' | 'unknown'}
 */
export function qualityOf(score) {
  if (typeof score !== 'number' || !Number.isFinite(score)) return 'unknown';
  if (score >= 8) return 'good';
  if (score >= 5) return 'fair';
  return 'poor';
}

/** The received resolution and the quality dot of one tile. */
export class TileIndicators {
  constructor() {
    this.root = document.createElement('div');
    this.root.className = 'indicators';
    this.dot = document.createElement('span');
    this.dot.className = 'quality';
    this.dot.dataset.quality = 'unknown';
    this.dot.title = 'Network quality: not known yet';
    this.resolution = document.createElement('span');
    this.resolution.className = 'resolution';
    this.root.append(this.dot, this.resolution);
    this.setResolution(0, 0);
  }

  /**
   * @param {number} width
   * @param {number} height
   */
  setResolution(width, height) {
    this.resolution.dataset.width = String(width);
    this.resolution.dataset.height = String(height);
    this.resolution.textContent = width > 0 ? `${width}×${height}` : '';
    this.resolution.hidden = !(width > 0);
  }

  /**
   * @param {number} score the consumer's score (its link to this page)
   * @param {number} producerScore the publisher's link
   */
  setScore(score, producerScore) {
    const quality = qualityOf(score);
    this.dot.dataset.quality = quality;
    this.dot.dataset.score = String(score);
    this.dot.title = `Network quality: ${quality} (score ${score}/10, sender ${producerScore}/10)`;
  }

  clear() {
    this.dot.dataset.quality = 'unknown';
    delete this.dot.dataset.score;
    this.setResolution(0, 0);
  }
}

/**
 * Watches tiles' sizes and reports each, debounced, in device pixels (0×0
 * for a tile not shown). `send` resolves when the server took the report;
 * a report that failed is retried once the tile changes or after RETRY_MS
 * if the server said `rate-limited`.
 */
export class TileSizeReporter {
  /**
   * @param {(key: string, size: { width: number, height: number }) => Promise<boolean>} send
   *   reports a tile's size; resolves false when there was nothing to report to yet
   */
  constructor(send) {
    this.send = send;
    /** @type {Map<Element, { key: string, timer: ReturnType<typeof setTimeout> | undefined, sent: string }>} */
    this.tiles = new Map();
    this.observer = new ResizeObserver((entries) => {
      for (const entry of entries) this.schedule(entry.target, RESIZE_DEBOUNCE_MS);
    });
  }

  /**
   * @param {Element} element
   * @param {string} key what `send` is told (the participant id)
   */
  observe(element, key) {
    this.tiles.set(element, { key, timer: undefined, sent: '' });
    this.observer.observe(element);
  }

  /** @param {Element} element */
  unobserve(element) {
    const tile = this.tiles.get(element);
    if (tile) clearTimeout(tile.timer);
    this.tiles.delete(element);
    this.observer.unobserve(element);
  }

  /**
   * Reports at once, even an unchanged size (a new consumer needs it).
   * @param {Element} element
   */
  reportNow(element) {
    const tile = this.tiles.get(element);
    if (!tile) return;
    tile.sent = '';
    this.schedule(element, 0);
  }

  /**
   * @param {Element} element
   * @param {number} delayMs
   */
  schedule(element, delayMs) {
    const tile = this.tiles.get(element);
    if (!tile) return;
    clearTimeout(tile.timer);
    tile.timer = setTimeout(() => {
      tile.timer = undefined;
      void this.#report(element, tile);
    }, delayMs);
  }

  /**
   * @param {Element} element
   * @param {{ key: string, timer: ReturnType<typeof setTimeout> | undefined, sent: string }} tile
   */
  async #report(element, tile) {
    const ratio = window.devicePixelRatio || 1;
    const size = {
      width: Math.round(element.clientWidth * ratio),
      height: Math.round(element.clientHeight * ratio),
    };
    const sizeKey = `${size.width}x${size.height}`;
    if (sizeKey === tile.sent) return;
    tile.sent = sizeKey;
    try {
      if (!(await this.send(tile.key, size))) tile.sent = '';
    } catch (error) {
      tile.sent = '';
      if (/** @type {{ code?: string }} */ (error)?.code === 'rate-limited') {
        this.schedule(element, RETRY_MS);
      } else {
        console.warn('videorooms: setTileSize:', error);
      }
    }
  }

  disconnect() {
    for (const tile of this.tiles.values()) clearTimeout(tile.timer);
    this.tiles.clear();
    this.observer.disconnect();
  }
}
