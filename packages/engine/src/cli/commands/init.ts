import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { StrataError } from '../../errors.js';
import type { Command } from '../command.js';

const DRIZZLE_CONFIGS = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.cjs'];
const STRATA_CONFIGS = ['strata.config.ts', 'strata.config.mts', 'strata.config.js', 'strata.config.mjs', 'strata.config.json'];

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
    const project = resolve(input.cwd);
    const dirOption = input.values.dir as string | undefined;
    const folder = resolve(project, dirOption ?? 'migrations');
    const drizzle = DRIZZLE_CONFIGS.find((name) => existsSync(join(project, name)));
    const existing = STRATA_CONFIGS.find((name) => existsSync(join(project, name)));
    const settings = {
      ...(input.values.stream ? { stream: input.values.stream as string } : {}),
      ...(dirOption ? { dir: relative(project, folder) || '.' } : {}),
      ...(input.values.dialect ? { dialect: input.values.dialect as string } : {}),
      ...(input.values.url ? { url: input.values.url as string } : {}),
    };
    if (drizzle && (settings.url || settings.dialect)) {
      throw new StrataError('CLI_INIT_DUPLICATE_SETTING', `${join(project, drizzle)} already gives the dialect and URL; strata does not record them twice.`, {
        hint: 'Run `strata init` without --url and --dialect, or change them in the drizzle config.',
        details: { file: join(project, drizzle) },
      });
    }
    const written: string[] = [];
    if (!existsSync(folder)) {
      mkdirSync(folder, { recursive: true });
      written.push(folder);
    }
    const needsConfig = !existing && (!drizzle || settings.stream !== undefined || settings.dir !== undefined);
    if (needsConfig) {
      const file = join(project, 'strata.config.json');
      writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
      written.push(file);
    }
    input.out.result({ folder, configFile: existing ? join(project, existing) : drizzle ? join(project, drizzle) : join(project, 'strata.config.json'), written }, () => {
      if (written.length === 0) input.out.line(`Already initialised: ${folder} exists${existing ? ` and ${existing} configures the stream` : ''}.`);
      for (const path of written) input.out.line(`Created ${path}`);
      if (written.length > 0) input.out.line(`Next: \`strata revision -m "first revision"\`${!drizzle && !settings.url ? ', after adding "url" to strata.config.json (or pass --url)' : ''}.`);
    });
  },
};
