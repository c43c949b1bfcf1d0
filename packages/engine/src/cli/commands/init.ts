import type { Command } from '../command.js';

/** `strata init`. */
export const initCommand: Command = {
  name: 'init',
  summary: 'Start a stream: the revisions folder, and a strata.config.json when there is no drizzle.config.',
  usage: '[options]',
  description:
    'Creates the revisions folder (default: migrations/). With a drizzle.config.* in the project folder, the dialect and URL\n' +
    'come from it and nothing else is written. Without one, writes strata.config.json with the --dialect/--url given,\n' +
    'so the stream is configured once.',
  options: {
    cwd: { type: 'string', valueName: 'DIR', description: 'The project folder (default: the current folder).' },
    dir: { type: 'string', valueName: 'DIR', description: 'The revisions folder, relative to the project folder (default: migrations).' },
    stream: { type: 'string', valueName: 'NAME', description: 'The stream name to record (default: the project name).' },
    url: { type: 'string', valueName: 'URL', description: 'The database URL to record (only without a drizzle.config).' },
    dialect: { type: 'string', valueName: 'NAME', description: 'postgresql, mysql or sqlite (only without a drizzle.config; default: from the URL).' },
  },
  streamOptions: false,
  maxPositionals: 0,
  async run(input) {
    const text = (name: string): string | undefined => (input.values[name] as string | undefined) || undefined;
    const given = { dir: text('dir'), stream: text('stream'), url: text('url'), dialect: text('dialect') };
    const { initCommand: runInit } = await import('../../commands/init.js');
    runInit(input.out, { projectDir: input.cwd, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) });
  },
};
