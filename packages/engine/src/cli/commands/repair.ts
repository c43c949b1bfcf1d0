import { repair } from '../../runner/runner.js';
import type { Command } from '../command.js';
import { loadGraph, streamSettings } from '../stream-options.js';

/** `strata repair`: records the checksums of edited applied revisions. */
export const repairCommand: Command = {
  name: 'repair',
  summary: 'Accept edited applied revisions: record their current checksums.',
  usage: '[options]',
  description:
    'For every applied revision whose file changed since it was applied (what stops `strata upgrade` with\n' +
    'RUNNER_CHECKSUM_MISMATCH), appends a `repair` row to strata_history with the file\'s current checksum and lists\n' +
    'the revisions. Nothing is run and the version rows stay. Use it when an applied revision was edited on purpose and\n' +
    'the database already matches the edit; otherwise restore the file and put the change in a new revision.',
  options: {},
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const settings = streamSettings(input);
    const result = await repair({ stream: settings, graph: loadGraph(settings) });
    input.out.result(result, () => {
      for (const entry of result.repaired) {
        input.out.line(`  repaired  ${entry.id}${entry.file ? ` (${entry.file})` : ''}: ${entry.recorded ?? '<none>'} -> ${entry.current}`);
      }
      const count = result.repaired.length;
      input.out.line(
        count === 0
          ? `Stream "${result.stream}": every applied revision matches its recorded checksum; nothing to repair.`
          : `Stream "${result.stream}": recorded the current checksum of ${count} edited revision${count === 1 ? '' : 's'}.`,
      );
    });
  },
};
