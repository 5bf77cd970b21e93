// @ts-check
/**
 * Who speaks, as the server's observers tell it (PROTOCOL.md `activeSpeaker`
 * and `audioLevels`): the active speaker's tile is highlighted and every
 * tile's audio meter follows its microphone's level. Levels come a few times
 * a second while someone is heard and once as silence; a meter that hears
 * nothing for LEVEL_HOLD_MS rests at zero.
 */

/** Volumes (dBov) from this one up fill the meter from empty to full. */
const VOLUME_FLOOR = -80;
const VOLUME_FULL = -20;
/** A meter without news for this long falls to zero (a lost notification, a paused observer). */
const LEVEL_HOLD_MS = 1_000;

/**
 * A volume in dBov (−127..0, mediasoup's) as a meter level 0–1.
 * @param {number} volume
 */
export function levelOf(volume) {
  if (typeof volume !== 'number' || !Number.isFinite(volume)) return 0;
  return Math.min(1, Math.max(0, (volume - VOLUME_FLOOR) / (VOLUME_FULL - VOLUME_FLOOR)));
}

/**
 * @typedef {{ setLevel(level: number): void, setSpeaking(on: boolean): void }} SpeakerTile
 */

export class Speakers {
  /** @param {() => Map<string, SpeakerTile>} tiles every tile, by participant id */
  constructor(tiles) {
    this.tiles = tiles;
    /** @type {string | null} */
    this.active = null;
    /** @type {Map<string, number>} participant id → level 0–1 */
    this.levels = new Map();
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.holdTimer = undefined;
  }

  /** @param {unknown} data an `activeSpeaker` notification's data (or the join's) */
  setActive(data) {
    const id = /** @type {{ participantId?: unknown } | null} */ (data)?.participantId;
    this.active = typeof id === 'string' ? id : null;
    this.apply();
  }

  /** @param {unknown} data an `audioLevels` notification's data */
  setLevels(data) {
    const list = /** @type {{ levels?: unknown } | null} */ (data)?.levels;
    this.levels.clear();
    if (Array.isArray(list)) {
      for (const entry of list) {
        if (typeof entry?.participantId !== 'string') continue;
        const level = levelOf(entry.volume);
        // One participant may have several microphones: the loudest shows.
        this.levels.set(
          entry.participantId,
          Math.max(level, this.levels.get(entry.participantId) ?? 0),
        );
      }
    }
    clearTimeout(this.holdTimer);
    if (this.levels.size) {
      this.holdTimer = setTimeout(() => {
        this.levels.clear();
        this.apply();
      }, LEVEL_HOLD_MS);
    }
    this.apply();
  }

  /** Shows the state on every tile (also after tiles came or went). */
  apply() {
    for (const [participantId, tile] of this.tiles()) {
      tile.setSpeaking(participantId === this.active);
      tile.setLevel(this.levels.get(participantId) ?? 0);
    }
  }

  clear() {
    clearTimeout(this.holdTimer);
    this.active = null;
    this.levels.clear();
    this.apply();
  }
}
