import { readNxJson, readProjectConfiguration, type Tree } from '@nx/devkit';
import { isStrataError } from './errors';
import { inNxSpelling, type NxSpellingContext } from './nx-spelling';
import { normalizePluginOptions, VERBS, type StrataPluginOptions } from './target-names';
import { PLUGIN_NAME } from './versions';

/**
 * A `StrataError` as the Error a generator throws: code, message and hint in the message, no engine
 * stack (Nx prints the message; the stack is not the user's business), in Nx's spelling when the
 * project is known. Anything else is rethrown as is.
 */
export function asGeneratorError(error: unknown, spelling?: { tree: Tree; project: string }): unknown {
  const spelled = spelling === undefined ? error : inNxSpelling(error, generatorSpellingContext(spelling.tree, spelling.project));
  if (!isStrataError(spelled)) return spelled;
  const wrapped = new Error(`${spelled.code}: ${spelled.message}${spelled.hint ? `\nhint: ${spelled.hint}` : ''}`);
  wrapped.stack = wrapped.message;
  return wrapped;
}

/**
 * What a generator's hints name: the inferred targets are not in the Tree, so their names come from
 * the plugin's options in nx.json (the defaults when it is not registered).
 */
function generatorSpellingContext(tree: Tree, project: string): NxSpellingContext {
  const entry = readNxJson(tree)?.plugins?.find((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin) === PLUGIN_NAME);
  const names = normalizePluginOptions(typeof entry === 'object' ? (entry.options as StrataPluginOptions | undefined) : undefined);
  let projectRoot = '.';
  try {
    projectRoot = readProjectConfiguration(tree, project).root;
  } catch {
    // An unknown project: the hint still reads, with the workspace root as its folder.
  }
  return { project, projectRoot, targetOf: (verb) => names[(VERBS.find(([name]) => name === verb) as (typeof VERBS)[number])[1]] };
}
