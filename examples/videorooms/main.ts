/**
 * `npm start`: the videorooms server. Flags and environment variables are
 * listed by --help.
 */
import { ConfigError, HELP, parseConfig } from './config.js';
import { startServer } from './server.js';

let config;
try {
  config = parseConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`videorooms: ${error.message}\n\n${HELP}`);
  process.exit(2);
}
if (config === 'help') {
  console.log(HELP);
  process.exit(0);
}

const server = await startServer(config);
console.log(
  `videorooms listening on ${server.url} (${config.workers} ${config.workerMode} workers)`,
);
console.log(`open ${server.url}/?room=demo&name=Alice to join a room`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
