// Child process of peers.mjs: the floor of a full `strata upgrade head` run as a command, i.e. a fresh
// `node` that imports one driver and runs the chain's DDL as one plain script.
// Usage: node script-floor.mjs DIALECT URL SCRIPT_FILE
import { readFileSync } from 'node:fs';
import { withDriver } from './drivers.mjs';

const [dialect, url, file] = process.argv.slice(2);
await withDriver(dialect, url, (session) => session.script(readFileSync(file, 'utf8')));
