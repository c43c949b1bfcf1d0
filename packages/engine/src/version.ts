import { readFileSync } from 'node:fs';

/** The engine's version, recorded in every history row. Read from package.json (one level above src/ and dist/). */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
