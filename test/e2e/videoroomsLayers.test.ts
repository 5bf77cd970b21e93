/**
 * videorooms adapts each tile's layer to its size, end to end: the real
 * server (`npm start`) and two Chromium pages whose fake camera is a
 * 1280×720 Y4M file, so the publisher's three simulcast layers (320, 640 and
 * 1280 wide) all exist. The subscriber's tile of the publisher, as the page's
 * ResizeObserver reports it to the server: the default two-tile grid gets the
 * 640-wide layer; resized (through the page's CSS) to 1280×720 → 1280 wide;
 * 160×90 → ≤ 320 wide; large again → 1280; each time the tile's indicator
 * shows the decoded width. Hidden (0×0) → the server pauses the consumer and
 * packets stop; shown again → decoding resumes. The tile's quality dot shows
 * the last consumerScore, coloured by its thresholds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { waitFor, type ParticipantPage, type VideoStats } from './videorooms/pages.js';
import { log, withServerAndBrowser } from './videorooms/run.js';

const FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;
const skip =
  SKIP_WITHOUT_CHROMIUM || (FFMPEG ? false : 'ffmpeg not found (scripts/install-test-deps.sh)');

/** The tile thresholds the page uses (public/viewing.js). */
function expectedQuality(score: number): string {
  return score >= 8 ? 'good' : score >= 5 ? 'fair' : 'poor';
}

/** Sets the CSS size of `page`'s tile of `participantId` (null: not displayed). */
async function setTileSize(
  page: ParticipantPage,
  participantId: string,
  size: { width: number; height: number } | null,
): Promise<void> {
  const selector = `.tile[data-participant-id="${participantId}"]`;
  await page.page.locator(selector).evaluate((tile, size) => {
    const style = (tile as unknown as { style: Record<string, string> }).style;
    if (!size) {
      style.display = 'none';
      return;
    }
    style.display = '';
    style.flex = `0 0 ${size.width}px`;
    style.width = `${size.width}px`;
    style.height = `${size.height}px`;
    style.aspectRatio = 'auto';
  }, size);
}

/** The received video of `participantId` on `page`, and its tile's indicator. */
async function received(
  page: ParticipantPage,
  participantId: string,
): Promise<{ stats?: VideoStats; shownWidth: number }> {
  const stats = (await page.inboundVideoStats()).find((s) => s.participantId === participantId);
  const shown = await page.page
    .locator(`.tile[data-participant-id="${participantId}"] .resolution`)
    .getAttribute('data-width');
  return { stats, shownWidth: Number(shown ?? 0) };
}

describe('videorooms: tile size chooses the simulcast layer', { skip }, () => {
  let dir = '';
  let y4m = '';
  before(() => {
    return mkdtemp(join(tmpdir(), 'skein-videorooms-hd-')).then((d) => {
      dir = d;
      y4m = join(dir, 'hd.y4m');
      // 1 s is enough: Chromium loops the file (TESTING.md, "A 1280×720 fake camera").
      const made = spawnSync(
        'ffmpeg',
        [
          '-v',
          'error',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=1280x720:rate=30',
          '-t',
          '1',
          '-pix_fmt',
          'yuv420p',
          '-y',
          y4m,
        ],
        { timeout: 30_000 },
      );
      assert.equal(made.status, 0, `ffmpeg: ${String(made.stderr)}`);
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test(
    'small tile → ≤ 320 wide, large → 1280 wide, hidden → paused; the quality dot follows the score',
    { timeout: 120_000 },
    async () => {
      await withServerAndBrowser(
        ['--port', '0', '--workers', '1'],
        async (_server, browser) => {
          const pub = await browser.open(_server.url, 'layers', 'Pub');
          const sub = await browser.open(_server.url, 'layers', 'Sub');
          const pubState = await pub.waitForState((s) => s.joined, 'joined');
          const pubId = pubState.participantId!;
          // Only one encoder: the subscriber stops its own camera (2 shared cores).
          await sub.waitForState((s) => s.joined && s.peers.length === 1, 'sees Pub');
          await sub.page.click('#video-button');
          await sub.waitForDecoding([pubId]);

          /** Resizes (unless null) and waits until Sub decodes and shows a width `check` accepts. */
          const reach = async (
            size: { width: number; height: number } | null,
            check: (width: number) => boolean,
            what: string,
            timeoutMs: number,
          ): Promise<{ ms: number; width: number; height: number; spatialLayer?: number }> => {
            const t = Date.now();
            if (size) await setTileSize(sub, pubId, size);
            let last: Awaited<ReturnType<typeof received>> | undefined;
            await waitFor(
              async () => {
                last = await received(sub, pubId);
                const width = last.stats?.frameWidth ?? 0;
                return width > 0 && check(width) && last.shownWidth === width;
              },
              `Sub decodes ${what} and its tile shows it`,
              timeoutMs,
              () => JSON.stringify(last),
            );
            const ms = Date.now() - t;
            const state = await sub.state();
            const view = state.peers.find((p) => p.participantId === pubId)!.video!;
            const result = {
              ms,
              width: last!.stats!.frameWidth,
              height: last!.stats!.frameHeight,
              spatialLayer: view.preferredLayers?.spatialLayer,
            };
            log(`${what}: ${JSON.stringify(result)} reported ${JSON.stringify(view.reported)}`);
            return result;
          };

          // The default two-tile grid (tiles ~470 CSS px wide) asks for the middle layer.
          const middle = await reach(null, (w) => w === 640, '640 wide (default tile)', 25_000);
          assert.equal(middle.spatialLayer, 1);
          // 1280×720 CSS px (device pixel ratio 1) needs the top layer.
          const top = await reach({ width: 1280, height: 720 }, (w) => w >= 1280, 'top', 25_000);
          assert.equal(top.spatialLayer, 2);
          // 160×90 fits layer 0 (320×180).
          const small = await reach({ width: 160, height: 90 }, (w) => w <= 320, 'small', 10_000);
          assert.equal(small.spatialLayer, 0);
          let state = await sub.state();
          // clientWidth/Height: inside the tile's 1 px border.
          assert.deepEqual(state.peers.find((p) => p.participantId === pubId)!.video!.reported, {
            width: 158,
            height: 88,
          });
          const back = await reach(
            { width: 1280, height: 720 },
            (w) => w >= 1280,
            'top again',
            10_000,
          );
          assert.equal(back.spatialLayer, 2);

          // Hidden: the server pauses the consumer; packets stop, then flow again.
          await setTileSize(sub, pubId, null);
          await sub.waitForState(
            (s) => s.peers.find((p) => p.participantId === pubId)?.video?.paused === true,
            'the server paused the hidden tile',
            10_000,
          );
          let before = -1;
          await waitFor(
            async () => {
              const now = (await received(sub, pubId)).stats?.packetsReceived ?? 0;
              const still = now === before;
              before = now;
              return still;
            },
            'no more packets for the hidden tile',
            10_000,
            () => String(before),
            1_000,
          );
          await setTileSize(sub, pubId, { width: 320, height: 180 });
          await sub.waitForDecoding([pubId], 15_000);

          // The quality dot: set from the last consumerScore notification, coloured by it.
          state = await sub.waitForState(
            (s) => (s.peers.find((p) => p.participantId === pubId)?.video?.scoreEvents ?? 0) > 0,
            'a consumerScore notification arrived',
            10_000,
          );
          const view = state.peers.find((p) => p.participantId === pubId)!.video!;
          const dot = sub.page.locator(`.tile[data-participant-id="${pubId}"] .quality`);
          assert.equal(Number(await dot.getAttribute('data-score')), view.score);
          assert.equal(await dot.getAttribute('data-quality'), expectedQuality(view.score!));
          assert.ok(view.score! >= 0 && view.score! <= 10, `score ${view.score}`);
          log(`quality dot: score ${view.score} → ${expectedQuality(view.score!)}`);

          for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
        },
        [`--use-file-for-fake-video-capture=${y4m}`],
      );
    },
  );
});
