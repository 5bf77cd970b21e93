/**
 * The videorooms application end to end: the real server started with the
 * README's command (`npm start -- --port 0 ...`, which builds first) and its
 * web client in headless Chromium tabs with fake cameras and microphones.
 *
 * 1. Three participants in room alpha decode each other's video, one in room
 *    beta sees none of them; /health and /metrics count 2 rooms and 4
 *    participants; a participant who leaves disappears from the others' grids.
 *    A screenshot of a three-participant page goes to
 *    artifacts/videorooms-3-participants.png.
 * 2. Process-mode workers: the worker serving alpha is killed (SIGKILL); the
 *    clients get `reconnect`, re-join on their own and decode again.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SKIP_WITHOUT_CHROMIUM } from './browser.js';
import { waitFor, type ParticipantPage, type VideoroomsBrowser } from './videorooms/pages.js';
import { log, withServerAndBrowser } from './videorooms/run.js';
import { REPO_ROOT, type VideoroomsServer } from './videorooms/server.js';

const skip = SKIP_WITHOUT_CHROMIUM;

const SCREENSHOT = join(REPO_ROOT, 'artifacts', 'videorooms-3-participants.png');

/** Opens three alpha participants and waits until each decodes the other two. */
async function threeInAlpha(
  server: VideoroomsServer,
  browser: VideoroomsBrowser,
): Promise<{ alpha: ParticipantPage[]; ids: string[] }> {
  const names = ['P1', 'P2', 'P3'];
  const alpha: ParticipantPage[] = [];
  for (const name of names) alpha.push(await browser.open(server.url, 'alpha', name));
  const states = await Promise.all(
    alpha.map((page) =>
      page.waitForState(
        (s) => s.joined && s.peers.length === 2 && s.peers.every((p) => p.hasVideo),
        'joined alpha with two peers consumed',
      ),
    ),
  );
  const ids = states.map((s) => s.participantId!);
  assert.equal(new Set(ids).size, 3, 'three distinct participant ids');
  for (const [i, state] of states.entries()) {
    assert.equal(state.roomId, 'alpha');
    assert.deepEqual(
      state.peers.map((p) => p.displayName).sort(),
      names.filter((_, j) => j !== i),
    );
  }
  await Promise.all(alpha.map((page, i) => page.waitForDecoding(ids.filter((_, j) => j !== i))));
  return { alpha, ids };
}

describe('videorooms in Chromium', { skip }, () => {
  test(
    'three participants in alpha see each other, beta sees nobody, a leave removes the tile',
    { timeout: 300_000 },
    async () => {
      await withServerAndBrowser(['--port', '0', '--workers', '2'], async (server, browser) => {
        let t = Date.now();
        const { alpha, ids } = await threeInAlpha(server, browser);
        log(`alpha: 3 pages joined and decode each other after ${Date.now() - t} ms`);

        const beta = await browser.open(server.url, 'beta', 'Q1');
        await beta.waitForState((s) => s.joined, 'joined beta');

        // Every remote <video> in the alpha grids plays (videoWidth > 0).
        for (const [i, page] of alpha.entries()) {
          let widths: Record<string, number> = {};
          await waitFor(
            async () => {
              widths = await page.remoteVideoWidths();
              return ids.every((id, j) => j === i || (widths[id] ?? 0) > 0);
            },
            `${page.name}: remote <video> elements playing`,
            15_000,
            () => JSON.stringify(widths),
          );
        }

        // Every remote tile's quality dot has a score (one arrives for each new consumer).
        for (const page of alpha) {
          await waitFor(
            async () =>
              (await page.page.locator('.tile:not([data-local]) .quality[data-score]').count()) ===
              2,
            `${page.name}: both remote tiles' quality dots scored`,
            10_000,
          );
        }

        // The screenshot of P1 with three participants (once the join toasts are gone).
        await waitFor(
          async () => (await alpha[0].page.locator('.toast').count()) === 0,
          'toasts gone',
          10_000,
        ).catch(() => {});
        await mkdir(join(REPO_ROOT, 'artifacts'), { recursive: true });
        await alpha[0].page.screenshot({ path: SCREENSHOT });
        log(`screenshot: ${SCREENSHOT}`);

        // Counters with 2 rooms and 4 participants (3 × 2 producers; 3 × 2 × 2 consumers).
        const health = await server.health();
        assert.equal(health.status, 'ok');
        assert.equal(health.rooms, 2);
        assert.equal(health.participants, 4);
        assert.equal(health.producers, 8);
        assert.equal(health.consumers, 12);
        assert.equal(health.workers.length, 2);
        assert.deepEqual(health.workers.flatMap((w) => w.rooms).sort(), ['alpha', 'beta']);
        const metrics = await server.metrics();
        assert.equal(metrics.get('videorooms_rooms'), 2);
        assert.equal(metrics.get('videorooms_participants'), 4);
        assert.equal(metrics.get('videorooms_producers'), 8);
        assert.equal(metrics.get('videorooms_consumers'), 12);

        // Beta is alone: no peers, no inbound video, only its own tile.
        const betaState = await beta.state();
        assert.deepEqual(betaState.peers, []);
        assert.deepEqual(await beta.inboundVideoStats(), []);
        assert.equal(await beta.page.locator('.tile').count(), 1);
        for (const id of ids) assert.equal(await beta.tileCount(id), 0);
        // ... and no alpha page sees beta's participant.
        for (const page of alpha) {
          const state = await page.state();
          assert.ok(!state.peers.some((p) => p.participantId === betaState.participantId));
        }

        // P1 stops its video and mutes: P2's tile of P1 shows it; then both come back.
        const p1Tile = alpha[1].page.locator(`.tile[data-participant-id="${ids[0]}"]`);
        await alpha[0].page.click('#video-button');
        await alpha[0].page.click('#audio-button');
        await waitFor(
          async () =>
            (await p1Tile.getAttribute('data-video')) === 'off' &&
            (await p1Tile.getAttribute('data-audio')) === 'off',
          'P2 sees P1 muted and without video',
          10_000,
        );
        assert.equal(await alpha[0].page.getAttribute('#video-button', 'aria-pressed'), 'true');
        await alpha[0].page.click('#video-button');
        await alpha[0].page.click('#audio-button');
        await waitFor(
          async () =>
            (await p1Tile.getAttribute('data-video')) === 'on' &&
            (await p1Tile.getAttribute('data-audio')) === 'on',
          'P2 sees P1 back',
          10_000,
        );
        await alpha[1].waitForDecoding([ids[0]]);

        // P3 leaves with the leave button; it vanishes from P1's and P2's grids.
        t = Date.now();
        const leaver = ids[2];
        await alpha[2].page.click('#leave-button');
        await alpha[2].waitForState((s) => !s.joined, 'left');
        for (const page of alpha.slice(0, 2)) {
          await page.waitForState(
            (s) => s.peers.length === 1 && !s.peers.some((p) => p.participantId === leaver),
            'P3 gone from peers',
            10_000,
          );
          await waitFor(
            async () => (await page.tileCount(leaver)) === 0,
            `${page.name}: P3's tile removed`,
            10_000,
          );
          const stats = await page.inboundVideoStats();
          assert.ok(!stats.some((s) => s.participantId === leaver));
        }
        log(`leave: P3 gone from both grids after ${Date.now() - t} ms`);
        // P1 and P2 still decode each other.
        await alpha[0].waitForDecoding([ids[1]]);
        await alpha[1].waitForDecoding([ids[0]]);
        await waitFor(
          async () => (await server.health()).participants === 3,
          '/health participants back to 3',
          10_000,
        );

        for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
      });
    },
  );

  test(
    'a killed worker (process mode): alpha re-joins by itself and decodes again',
    { timeout: 300_000 },
    async () => {
      await withServerAndBrowser(
        ['--port', '0', '--workers', '2', '--worker-mode', 'process'],
        async (server, browser) => {
          const { alpha } = await threeInAlpha(server, browser);
          const before = await server.health();
          const victim = before.workers.find((w) => w.rooms.includes('alpha'));
          assert.ok(victim, `a worker serves alpha: ${JSON.stringify(before.workers)}`);
          assert.equal(victim.mode, 'process');
          assert.notEqual(victim.pid, process.pid);
          assert.notEqual(victim.pid, server.pid);

          const t = Date.now();
          process.kill(victim.pid, 'SIGKILL');
          log(`killed worker pid ${victim.pid} (room alpha)`);

          const states = await Promise.all(
            alpha.map((page) =>
              page.waitForState(
                (s) =>
                  s.reconnects >= 1 &&
                  s.joined &&
                  s.peers.length === 2 &&
                  s.peers.every((p) => p.hasVideo),
                're-joined alpha after the worker died',
                45_000,
              ),
            ),
          );
          const ids = states.map((s) => s.participantId!);
          assert.equal(new Set(ids).size, 3);
          for (const state of states) assert.equal(state.status, 'connected');
          await Promise.all(
            alpha.map((page, i) => page.waitForDecoding(ids.filter((_, j) => j !== i))),
          );
          log(`after the kill: all 3 decode each other again after ${Date.now() - t} ms`);

          const after = await server.health();
          assert.ok(after.workerDeaths >= 1, `workerDeaths ${after.workerDeaths}`);
          assert.equal(after.rooms, 1);
          assert.equal(after.participants, 3);
          const host = after.workers.find((w) => w.rooms.includes('alpha'));
          assert.ok(host && host.pid !== victim.pid, 'alpha lives on a live worker');
          assert.ok(!after.workers.some((w) => w.pid === victim.pid), 'the dead worker is gone');

          for (const page of browser.pages) assert.deepEqual(page.pageErrors, []);
        },
      );
    },
  );
});
