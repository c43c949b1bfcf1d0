// Child process of run.mjs: the floor of a no-op `strata upgrade head` run as a command, i.e. a fresh
// `node` that imports one driver, reads the version rows and exits.
// Usage: node noop-floor.mjs DIALECT URL STREAM
import { selectHeads } from './drivers.mjs';

const [dialect, url, stream] = process.argv.slice(2);
await selectHeads(dialect, url, stream);
