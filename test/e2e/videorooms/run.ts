/**
 * One videorooms e2e run: the server (started as the README says) and one
 * headless Chromium, both always stopped; a failure carries the page logs and
 * the server's output.
 */
import { VideoroomsBrowser } from './pages.js';
import { startVideorooms, type VideoroomsServer } from './server.js';

export function log(message: string): void {
  console.log(`# videorooms e2e: ${message}`);
}

/** Runs `body` with a server and a browser, and always stops both. */
export async function withServerAndBrowser(
  args: string[],
  body: (server: VideoroomsServer, browser: VideoroomsBrowser) => Promise<void>,
  chromiumArgs: readonly string[] = [],
): Promise<void> {
  const server = await startVideorooms(args);
  log(`server up at ${server.url} after ${server.startupMs} ms (npm start, build included)`);
  let browser: VideoroomsBrowser | undefined;
  try {
    browser = await VideoroomsBrowser.launch(30_000, chromiumArgs);
    await body(server, browser);
  } catch (error) {
    const pageLogs = browser?.logs() ?? '';
    const detail = `\n--- page logs ---\n${pageLogs}\n--- server output ---\n${server.output()}`;
    if (error instanceof Error) error.message += detail;
    throw error;
  } finally {
    await browser?.close();
    await server.stop();
  }
}
