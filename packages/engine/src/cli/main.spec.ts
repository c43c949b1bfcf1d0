import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeStream } from '../../test/support/streams.js';
import { main } from './main.js';

/** Runs `strata` in-process, capturing stdout. */
async function strata(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(argv, { cwd, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('strata --output-file (issue 12)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-output-file-'));
    writeStream(join(dir, 'migrations'), ['aaaa0001', 'bbbb0002<-aaaa0001']);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the --sql script to the file, relative to the folder the command runs in, and not to stdout', async () => {
    const run = await strata(['upgrade', '--sql', '--dialect', 'sqlite', '--stream', 'app', '--output-file', 'out/up.sql'], dir);
    expect(run.code, run.stderr).toBe(0);
    const script = readFileSync(join(dir, 'out', 'up.sql'), 'utf8');
    expect(script).toContain('aaaa0001');
    expect(script).toContain('bbbb0002');
    expect(run.stdout).not.toContain('bbbb0002');
    // The ledger rows of the script name the files relative to the project folder, no machine path.
    expect(script).not.toContain(dir);
    expect(script).toMatch(/'migrations\/\d{8}_\d{4}_\w+\.ts'/);
  });

  it('writes the --json document, errors included, and empties the file first', async () => {
    const file = join(dir, 'doc.json');
    const ok = await strata(['heads', '--json', '--stream', 'app', `--output-file=${file}`], dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ heads: [expect.objectContaining({ id: 'bbbb0002' })] });
    const failed = await strata(['upgrade', '--json', '--stream', 'app', `--output-file=${file}`], dir);
    expect(failed.code).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ error: { code: 'CONFIG_MISSING_URL' } });
  });
});
