import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCRATCH_SERVERS, type ScratchDatabase, type ScratchDatabases } from '../scratch.js';

/** SQLite's throwaway databases: a file in a new temp folder, removed with the folder. Needs no server. */
export const SQLITE_SCRATCH: ScratchDatabases = {
  embeddedServer: SCRATCH_SERVERS.sqlite.embedded,
  async create(_serverUrl: string, name: string): Promise<ScratchDatabase> {
    const folder = await mkdtemp(join(tmpdir(), `${name}-`));
    const path = join(folder, 'test.db');
    return { url: pathToFileURL(path).href, name: path, drop: () => rm(folder, { recursive: true, force: true }) };
  },
};
