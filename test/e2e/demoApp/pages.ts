/**
 * Headless Chromium tabs running the demo application's room page (test/demoApp/page), and
 * typed access to its `window.demoClient` hooks.
 */
import type { Page } from 'playwright-core';
import { withTimeout } from '../browser.js';
import { TabBrowser, recordTabLogs } from '../tabs.js';
import { waitFor } from '../videorooms/pages.js';

export interface ClientState {
  joined: boolean;
  peerId: string;
  peers: string[];
  producers: { id: string; kind: string; paused: boolean }[];
  consumers: {
    id: string;
    kind: string;
    peerId: string;
    producerId: string;
    paused: boolean;
    remotelyPaused: boolean;
  }[];
  dataProducers: { id: string; label: string; readyState: string }[];
  dataConsumers: {
    id: string;
    label: string;
    peerId: string | null;
    readyState: string;
    messages: string[];
  }[];
  transports: { send: string | null; recv: string | null };
  errors: string[];
}

export interface Notification {
  method: string;
  data: Record<string, unknown>;
  at: number;
}

export interface ConsumerInbound {
  consumerId: string;
  peerId: string;
  kind: string;
  packetsReceived: number;
  bytesReceived: number;
  framesDecoded: number;
  frameWidth: number;
}

/** The page's hooks (test/demoApp/page/client.js). */
interface DemoClient {
  state(): ClientState;
  notifications(method: string): Notification[];
  inboundStats(): Promise<ConsumerInbound[]>;
  sendChat(text: string): void;
  sendBot(text: string): void;
  pauseProducer(kind: string): Promise<void>;
  resumeProducer(kind: string): Promise<void>;
  closeProducer(kind: string): Promise<void>;
  pauseConsumer(id: string): Promise<void>;
  resumeConsumer(id: string): Promise<void>;
  setConsumerPreferredLayers(id: string, spatial: number, temporal: number): Promise<void>;
  setConsumerPriority(id: string, priority: number): Promise<void>;
  requestConsumerKeyFrame(id: string): Promise<void>;
  restartIce(): Promise<void>;
  request(method: string, data: unknown): Promise<unknown>;
  ids(): {
    sendTransportId: string;
    recvTransportId: string;
    dataProducers: Record<string, string>;
  };
  leave(): void;
}

type Method = keyof DemoClient;

export class DemoPage {
  readonly page: Page;
  readonly name: string;
  readonly logs: string[] = [];

  constructor(page: Page, name: string) {
    this.page = page;
    this.name = name;
    recordTabLogs(page, name, this.logs);
  }

  /** Calls `window.demoClient[method](...args)` in the page (bounded). */
  call<M extends Method>(
    method: M,
    ...args: Parameters<DemoClient[M]>
  ): Promise<Awaited<ReturnType<DemoClient[M]>>> {
    const run = this.page.evaluate(
      ([name, values]) => {
        const client = (globalThis as unknown as { demoClient: Record<string, unknown> })
          .demoClient;
        return (client[name] as (...a: unknown[]) => unknown)(...values);
      },
      [method, args] as [string, unknown[]],
    );
    return withTimeout(run, 15_000, `${this.name} ${method}()`) as Promise<
      Awaited<ReturnType<DemoClient[M]>>
    >;
  }

  state(): Promise<ClientState> {
    return this.call('state');
  }

  /** Polls state() until `check` holds; returns that state. */
  async waitForState(
    check: (state: ClientState) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<ClientState> {
    let last: ClientState | undefined;
    await waitFor(
      async () => check((last = await this.state())),
      `${this.name}: ${what}`,
      timeoutMs,
      () => JSON.stringify(last),
    );
    return last!;
  }

  /** Polls the notifications of `method` until `check` holds for one; returns it. */
  async waitForNotification(
    method: string,
    check: (data: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 20_000,
    since = 0,
  ): Promise<Notification> {
    let found: Notification | undefined;
    let seen: Notification[] = [];
    await waitFor(
      async () => {
        seen = await this.call('notifications', method);
        found = seen.find((n) => n.at >= since && check(n.data));
        return found !== undefined;
      },
      `${this.name}: a "${method}" notification`,
      timeoutMs,
      () => JSON.stringify(seen.slice(-3)),
    );
    return found!;
  }

  /**
   * Waits until the video consumers of `peerId` decode: framesDecoded grows between two
   * samples and frameWidth is `width` (any width > 0 when not given). Returns the last sample.
   */
  async waitForVideoOf(peerId: string, what: string, width?: number): Promise<ConsumerInbound> {
    let before: ConsumerInbound | undefined;
    let latest: ConsumerInbound | undefined;
    await waitFor(
      async () => {
        const stats = await this.call('inboundStats');
        latest = stats.find((s) => s.peerId === peerId && s.kind === 'video');
        const grew =
          latest !== undefined &&
          before !== undefined &&
          before.consumerId === latest.consumerId &&
          latest.framesDecoded > before.framesDecoded;
        const sized =
          latest !== undefined && (width ? latest.frameWidth === width : latest.frameWidth > 0);
        before = latest;
        return grew && sized;
      },
      `${this.name}: decoding ${what}`,
      20_000,
      () => JSON.stringify(latest),
      300,
    );
    return latest!;
  }
}

/** One headless Chromium (fresh profile) for the room's tabs. */
export class DemoBrowser {
  readonly #tabs: TabBrowser;
  readonly pages: DemoPage[] = [];

  private constructor(tabs: TabBrowser) {
    this.#tabs = tabs;
  }

  static async launch(): Promise<DemoBrowser> {
    return new DemoBrowser(await TabBrowser.launch({ profilePrefix: 'skein-demoapp-chromium-' }));
  }

  /** Opens the room page as `peerId` (it joins at once). */
  async open(
    origin: string,
    roomId: string,
    peerId: string,
    displayName: string,
  ): Promise<DemoPage> {
    const query = new URLSearchParams({ roomId, peerId, displayName });
    let demoPage: DemoPage | undefined;
    await this.#tabs.openTab(`${origin}/?${query.toString()}`, (page) => {
      demoPage = new DemoPage(page, displayName);
      this.pages.push(demoPage);
    });
    return demoPage!;
  }

  logs(): string {
    return this.pages.flatMap((p) => p.logs).join('\n');
  }

  close(): Promise<void> {
    return this.#tabs.close('demoApp e2e');
  }
}
