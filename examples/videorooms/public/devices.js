// @ts-check
/**
 * Cameras and microphones in the videorooms client: opening one by id (the
 * choice is remembered), pickers listing the devices (labels appear once the
 * page may use them, i.e. after getUserMedia), and a microphone level meter
 * (a WebAudio AnalyserNode, read ten times a second).
 */

/** The camera size asked for; the simulcast layers follow from what the camera gives. */
const CAMERA_SIZE = { width: { ideal: 1280 }, height: { ideal: 720 } };
/** How often the level meter is read. */
const METER_INTERVAL_MS = 100;
/** The quietest level the meter shows (dBFS); 0 dBFS fills it. */
const METER_FLOOR_DB = -60;

/** @typedef {'audio' | 'video'} Kind */

/** @param {Kind} kind */
function storageKey(kind) {
  return kind === 'audio' ? 'videorooms.mic' : 'videorooms.camera';
}

/**
 * The device last chosen for `kind`, if any.
 * @param {Kind} kind
 * @returns {string | undefined}
 */
export function savedDeviceId(kind) {
  try {
    return localStorage.getItem(storageKey(kind)) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param {Kind} kind
 * @param {string | undefined} deviceId
 */
export function saveDeviceId(kind, deviceId) {
  try {
    if (deviceId) localStorage.setItem(storageKey(kind), deviceId);
  } catch {
    // storage may be disabled
  }
}

/**
 * getUserMedia constraints for one kind: an exact device when one is chosen
 * now, the remembered one as a preference otherwise.
 * @param {Kind} kind
 * @param {string} [deviceId] a device chosen now (exact)
 * @returns {MediaTrackConstraints}
 */
export function trackConstraints(kind, deviceId) {
  const base = kind === 'video' ? { ...CAMERA_SIZE } : {};
  if (deviceId) return { ...base, deviceId: { exact: deviceId } };
  const saved = savedDeviceId(kind);
  return saved ? { ...base, deviceId: { ideal: saved } } : base;
}

/**
 * Opens one device.
 * @param {Kind} kind
 * @param {string} deviceId
 * @returns {Promise<MediaStreamTrack>}
 */
export async function openDevice(kind, deviceId) {
  const stream = await navigator.mediaDevices.getUserMedia({
    [kind]: trackConstraints(kind, deviceId),
  });
  const track = stream.getTracks()[0];
  if (!track) throw new Error(`no ${kind} track`);
  return track;
}

/** A camera select and a microphone select, kept in step with the devices present. */
export class DevicePicker {
  /**
   * @param {{ video: HTMLSelectElement, audio: HTMLSelectElement }} selects
   * @param {(kind: Kind, deviceId: string) => void} onChange a device was picked
   */
  constructor(selects, onChange) {
    this.selects = selects;
    for (const kind of /** @type {Kind[]} */ (['video', 'audio'])) {
      selects[kind].addEventListener('change', () => {
        if (selects[kind].value) onChange(kind, selects[kind].value);
      });
    }
  }

  /**
   * Lists the devices and selects the ones `stream` uses.
   * @param {MediaStream | null} stream
   */
  async refresh(stream) {
    /** @type {MediaDeviceInfo[]} */
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      // no device list: the selects stay empty
    }
    for (const kind of /** @type {Kind[]} */ (['video', 'audio'])) {
      const select = this.selects[kind];
      const inputs = devices.filter((d) => d.kind === `${kind}input` && d.deviceId);
      const current = (kind === 'video' ? stream?.getVideoTracks() : stream?.getAudioTracks())?.[0];
      const currentId = current?.getSettings().deviceId;
      select.replaceChildren(
        ...inputs.map((device, i) => {
          const option = document.createElement('option');
          option.value = device.deviceId;
          option.textContent =
            device.label || `${kind === 'video' ? 'Camera' : 'Microphone'} ${i + 1}`;
          return option;
        }),
      );
      if (!inputs.length) {
        const none = document.createElement('option');
        none.value = '';
        none.textContent = kind === 'video' ? 'No camera' : 'No microphone';
        select.append(none);
      }
      if (currentId && inputs.some((d) => d.deviceId === currentId)) select.value = currentId;
      select.disabled = !inputs.length;
    }
  }
}

/**
 * A microphone level meter: `element`'s `--level` (0–1) and `data-level`
 * follow the track's RMS level, in dB between METER_FLOOR_DB and 0.
 */
export class LevelMeter {
  /** @param {HTMLElement} element */
  constructor(element) {
    this.element = element;
    /** @type {AudioContext | undefined} */
    this.context = undefined;
    /** @type {MediaStreamAudioSourceNode | undefined} */
    this.source = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    this.show(0);
  }

  /** Meters `track` (none: the meter rests at zero). @param {MediaStreamTrack | undefined} track */
  attach(track) {
    this.detach();
    if (!track) return;
    const context = this.context ?? new AudioContext();
    this.context = context;
    // Suspended until the user interacts with the page (autoplay policy).
    void context.resume().catch(() => {});
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    this.source = context.createMediaStreamSource(new MediaStream([track]));
    this.source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.timer = setInterval(() => {
      if (track.readyState !== 'live' || !track.enabled) {
        this.show(0);
        return;
      }
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const db = 10 * Math.log10(sum / samples.length || 1e-12);
      this.show(Math.min(1, Math.max(0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB)));
    }, METER_INTERVAL_MS);
  }

  /** Lets the AudioContext run once the user clicked (browsers start it suspended). */
  wake() {
    void this.context?.resume().catch(() => {});
  }

  detach() {
    clearInterval(this.timer);
    this.timer = undefined;
    this.source?.disconnect();
    this.source = undefined;
    this.show(0);
  }

  /** @param {number} level 0–1 */
  show(level) {
    this.element.style.setProperty('--level', level.toFixed(3));
    this.element.dataset.level = level.toFixed(3);
  }
}
