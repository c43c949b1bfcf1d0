// The PGlite row: `strata test` on a PostgreSQL stream of guarded revisions, run on a throwaway
// in-process PGlite database (the default with no --server) beside the same command on the
// PostgreSQL server (--server), in the same bench run. See README.md ("PGlite table").
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { revisionFileName } from '../../packages/engine/dist/index.js';

export const PGLITE_REVISIONS = 50;

const CLI = fileURLToPath(new URL('../../packages/engine/bin/strata.js', import.meta.url));
const STREAM = 'embedded';

/**
 * `strata test` (stairway up/down/up, idempotency re-run, base) on PGlite (ours) and on the server
 * (floor), `runs` times each, medians. `helpers`: `{ workDir, runs, median, timedSync }`; `serverUrl`
 * is the PostgreSQL server's admin URL.
 */
export function pgliteRows({ workDir, runs, median, timedSync }, serverUrl) {
  const root = join(workDir, 'pglite');
  const dir = join(root, 'migrations');
  mkdirSync(dir, { recursive: true });
  const start = Date.UTC(2024, 0, 1);
  const id = (n) => `e0${String(n).padStart(10, '0')}`;
  for (let n = 1; n <= PGLITE_REVISIONS; n++) {
    writeFileSync(
      join(dir, revisionFileName(new Date(start + n * 60_000), `embedded t_${n}`)),
      [
        "import { revision } from '@strata/engine';",
        '',
        'export default revision({',
        `  id: '${id(n)}',`,
        `  parents: [${n === 1 ? '' : `'${id(n - 1)}'`}],`,
        `  message: 'embedded t_${n}',`,
        '  async upgrade({ op, inspect }) {',
        `    if (!(await inspect.hasTable('t_${n}'))) await op.createTable('t_${n}', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'varchar(100)' }] });`,
        `    if (!(await inspect.hasIndex('t_${n}', 'ix_t_${n}_name'))) await op.createIndex('ix_t_${n}_name', 't_${n}', ['name']);`,
        '  },',
        '  async downgrade({ op, inspect }) {',
        `    if (await inspect.hasTable('t_${n}')) await op.dropTable('t_${n}');`,
        '  },',
        '});',
        '',
      ].join('\n'),
    );
  }
  const flags = ['--stream', STREAM, '--dir', dir, '--dialect', 'postgresql', '--json'];
  const test = (extra) => () => {
    const child = spawnSync(process.execPath, [CLI, 'test', ...flags, ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`strata test ${extra.join(' ')} exited with ${child.status}:\n${child.stderr}`);
  };
  const ours = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timedSync(test([])));
    floor.push(timedSync(test(['--server', serverUrl])));
  }
  return [{ metric: `strata test, ${PGLITE_REVISIONS} guarded revisions: PGlite in-process (floor: --server, a throwaway database on the server)`, ours: median(ours), floor: median(floor) }];
}
