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
    const { repairCommand: runRepair } = await import('../../commands/repair.js');
    await runRepair(input.out, { stream: settings, graph: loadGraph(settings) });
  },
};
