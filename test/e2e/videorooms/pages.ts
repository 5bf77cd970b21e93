/**
 * Headless Chromium pages running the videorooms web client, and polling
 * helpers over its test hooks (`window.videorooms.state()` and
 * `.inboundVideoStats()`, see examples/videorooms/public/app.js).
 */
import type { Page } from 'playwright-core';
import { withTimeout } from '../browser.js';
import { TabBrowser, recordTabLogs } from '../tabs.js';

export interface PeerState {
  participantId: string;
  displayName: string;
  hasVideo: boolean;
  /** What this page's tile of the peer asked for, receives and scores (null: no video consumer). */
  video: VideoView | null;
}

export interface VideoView {
  reported?: { width: number; height: number };
  preferredLayers?: { spatialLayer: number; temporalLayer: number } | null;
  paused?: boolean;
  currentLayers?: { spatialLayer: number | null; temporalLayer: number | null };
  received: { width: number; height: number };
  score?: number;
  producerScore?: number;
  scoreEvents: number;
}

export interface RoomState {
  joined: boolean;
  participantId: string | null;
  roomId: string;
  status: string;
  reconnects: number;
  audioEnabled: boolean;
  videoEnabled: boolean;
  peers: PeerState[];
  chat: ChatState;
  screen: ScreenState;
  devices: DevicesState;
}

export interface DevicesState {
  /** Labels of the local stream's camera and microphone. */
  camera: string | null;
  mic: string | null;
  /** Labels of the tracks the producers send. */
  publishedCamera: string | null;
  publishedMic: string | null;
}

export interface ScreenState {
  /** This page shares a screen (its track is live). */
  sharing: boolean;
  /** Its screen producer, once the server took it. */
  producerId: string | null;
  /** The remote screen on this page's stage. */
  stage: { participantId: string; producerId: string } | null;
}

export interface ChatMessage {
  name: string;
  time: number;
  text: string;
  local: boolean;
}

export interface ChatState {
  /** This participant's chat channel is open. */
  open: boolean;
  /** The other participants' chat channels open here. */
  channels: number;
  /** The chat panel's entries, oldest first. */
  messages: ChatMessage[];
}

export interface VideoStats {
  participantId: string;
  consumerId: string;
  /** 'camera' or 'screen'. */
  source: string;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  packetsReceived: number;
}

interface VideoroomsApi {
  state(): RoomState;
  inboundVideoStats(): Promise<VideoStats[]>;
}

/** One participant's tab. */
export class ParticipantPage {
  readonly page: Page;
  readonly name: string;
  readonly logs: string[] = [];
  readonly pageErrors: string[] = [];

  constructor(page: Page, name: string) {
    this.page = page;
    this.name = name;
    recordTabLogs(page, name, this.logs, this.pageErrors);
  }

  state(): Promise<RoomState> {
    return withTimeout(
      this.page.evaluate(() =>
        (globalThis as unknown as { videorooms: VideoroomsApi }).videorooms.state(),
      ),
      10_000,
      `${this.name} state()`,
    );
  }

  inboundVideoStats(): Promise<VideoStats[]> {
    return withTimeout(
      this.page.evaluate(() =>
        (globalThis as unknown as { videorooms: VideoroomsApi }).videorooms.inboundVideoStats(),
      ),
      10_000,
      `${this.name} inboundVideoStats()`,
    );
  }

  /** Types `text` into the chat input and presses the send button. */
  async sendChat(text: string): Promise<void> {
    await this.page.fill('#chat-input', text);
    await this.page.click('#chat-send');
  }

  /** The text of the chat list as shown (names, times and messages). */
  chatText(): Promise<string> {
    return this.page.locator('#chat-list').innerText();
  }

  /** Number of grid tiles for a participant id. */
  tileCount(participantId: string): Promise<number> {
    return this.page.locator(`.tile[data-participant-id="${participantId}"]`).count();
  }

  /** videoWidth of each remote tile's <video>, by participant id. */
  remoteVideoWidths(): Promise<Record<string, number>> {
    return this.page.$$eval('.tile:not([data-local]) video', (videos) => {
      const widths: Record<string, number> = {};
      for (const video of videos as unknown as {
        videoWidth: number;
        parentElement: { dataset: { participantId: string } };
      }[]) {
        widths[video.parentElement.dataset.participantId] = video.videoWidth;
      }
      return widths;
    });
  }

  /** Polls state() until `check` holds; returns that state. */
  async waitForState(
    check: (state: RoomState) => boolean,
    what: string,
    timeoutMs = 30_000,
  ): Promise<RoomState> {
    let last: RoomState | undefined;
    await waitFor(
      async () => {
        last = await this.state();
        return check(last);
      },
      `${this.name}: ${what}`,
      timeoutMs,
      () => JSON.stringify(last),
    );
    return last!;
  }

  /**
   * Waits until the video of each of `participantIds` decodes: two samples of
   * inboundVideoStats(), framesDecoded higher in the second, frameWidth > 0.
   * Returns the second sample.
   */
  async waitForDecoding(participantIds: string[], timeoutMs = 30_000): Promise<VideoStats[]> {
    let first = new Map<string, VideoStats>();
    let latest: VideoStats[] = [];
    await waitFor(
      async () => {
        latest = (await this.inboundVideoStats()).filter((s) => s.source !== 'screen');
        const byParticipant = new Map(latest.map((s) => [s.participantId, s]));
        const ok = participantIds.every((id) => {
          const now = byParticipant.get(id);
          const before = first.get(id);
          return (
            now !== undefined &&
            before !== undefined &&
            before.consumerId === now.consumerId &&
            now.frameWidth > 0 &&
            now.framesDecoded > before.framesDecoded
          );
        });
        first = byParticipant;
        return ok;
      },
      `${this.name}: decoding the video of ${participantIds.length} participants`,
      timeoutMs,
      () => JSON.stringify(latest),
      500,
    );
    return latest;
  }
}

/** One headless Chromium (fresh profile) for the participants' tabs. */
export class VideoroomsBrowser {
  readonly #tabs: TabBrowser;
  readonly pages: ParticipantPage[] = [];

  private constructor(tabs: TabBrowser) {
    this.#tabs = tabs;
  }

  /** `extraArgs`: more Chromium flags (e.g. `--use-file-for-fake-video-capture=...`). */
  static async launch(
    timeoutMs = 30_000,
    extraArgs: readonly string[] = [],
  ): Promise<VideoroomsBrowser> {
    const tabs = await TabBrowser.launch({
      profilePrefix: 'skein-videorooms-chromium-',
      timeoutMs,
      viewport: { width: 1280, height: 720 },
      extraArgs,
    });
    return new VideoroomsBrowser(tabs);
  }

  /** Opens `${origin}/?room=ROOM&name=NAME` (the client joins at once). */
  open(origin: string, room: string, name: string): Promise<ParticipantPage> {
    const query = `?room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`;
    return this.openUrl(`${origin}/${query}`, name);
  }

  /** Opens any page of the client (e.g. `?room=ROOM` alone: the pre-join panel). */
  async openUrl(url: string, name: string): Promise<ParticipantPage> {
    let participant: ParticipantPage | undefined;
    await this.#tabs.openTab(url, (page) => {
      participant = new ParticipantPage(page, name);
      this.pages.push(participant);
    });
    return participant!;
  }

  /** Grants the pages of `origin` browser permissions (e.g. the clipboard's). */
  grantPermissions(permissions: string[], origin: string): Promise<void> {
    return this.#tabs.grantPermissions(permissions, origin);
  }

  /** Everything the pages logged (for failure messages). */
  logs(): string {
    return this.pages.flatMap((p) => p.logs).join('\n');
  }

  close(): Promise<void> {
    return this.#tabs.close('videorooms e2e');
  }
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  describe: () => string = () => '',
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) {
      throw new Error(`${what}: not reached after ${timeoutMs} ms; last: ${describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
