import {
  addDependenciesToPackageJson,
  formatFiles,
  readJson,
  readNxJson,
  runTasksInSerial,
  updateNxJson,
  type GeneratorCallback,
  type NxJsonConfiguration,
  type Tree,
} from '@nx/devkit';
import { forwardMigrateParameters, normalizePluginOptions } from '../../utils/target-names';
import { DRIZZLE_KIT_VERSION, DRIZZLE_ORM_VERSION, PLUGIN_NAME, STRATA_ENGINE_VERSION } from '../../utils/versions';
import type { InitGeneratorSchema } from './schema';

/**
 * Sets Strata up for a workspace without registering the plugin (for other generators that call it);
 * `nx add @strata/nx` runs {@link initGeneratorInternal}, which registers it.
 *
 * @example
 * ```ts
 * import { initGenerator } from '@strata/nx';
 * await initGenerator(tree, { skipFormat: true });
 * ```
 */
export function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<GeneratorCallback> {
  return initGeneratorInternal(tree, { addPlugin: false, ...options });
}

/**
 * What `nx add @strata/nx` runs: registers `@strata/nx/plugin` in nx.json (once), adds the engine and
 * Drizzle packages to devDependencies when missing, sets `targetDefaults.migrate.dependsOn` to the
 * streams' `migrate` first, with the command line's parameters forwarded (see `migrateDependsOn`), and
 * makes `migrate-test` cacheable. Returns the install task.
 */
export async function initGeneratorInternal(tree: Tree, options: InitGeneratorSchema): Promise<GeneratorCallback> {
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  const addPlugin = options.addPlugin ?? (process.env.NX_ADD_PLUGINS !== 'false' && nxJson.useInferencePlugins !== false);
  if (addPlugin) registerPlugin(nxJson);
  addTargetDefaults(nxJson);
  updateNxJson(tree, nxJson);

  const tasks: GeneratorCallback[] = [];
  if (!options.skipPackageJson) tasks.push(addDevDependencies(tree, options.keepExistingVersions ?? true));
  if (!options.skipFormat) await formatFiles(tree);
  return runTasksInSerial(...tasks);
}

function registerPlugin(nxJson: NxJsonConfiguration): void {
  const plugins = (nxJson.plugins ??= []);
  const present = plugins.some((plugin) => (typeof plugin === 'string' ? plugin : plugin.plugin) === PLUGIN_NAME);
  if (!present) plugins.push({ plugin: PLUGIN_NAME, options: { ...normalizePluginOptions(undefined) } });
}

/**
 * `migrate` after the dependencies' `migrate`, parameters forwarded, and `migrate-test` cached. An
 * existing setting is kept, except the plain `['^migrate']` of earlier versions, which ran a
 * dependency online under `--sql`; a key already holding filtered entries (an array) is left as it is.
 */
function addTargetDefaults(nxJson: NxJsonConfiguration): void {
  forwardMigrateParameters(nxJson);
  const defaults = (nxJson.targetDefaults ??= {});
  const test = defaults['migrate-test'] ?? {};
  if (!Array.isArray(test)) defaults['migrate-test'] = { ...test, cache: test.cache ?? true };
}

function addDevDependencies(tree: Tree, keepExistingVersions: boolean): GeneratorCallback {
  const wanted: Record<string, string> = {
    '@strata/engine': STRATA_ENGINE_VERSION,
    'drizzle-kit': DRIZZLE_KIT_VERSION,
    'drizzle-orm': DRIZZLE_ORM_VERSION,
  };
  const packageJson: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = tree.exists('package.json') ? readJson(tree, 'package.json') : {};
  const installed = { ...packageJson.dependencies, ...packageJson.devDependencies };
  const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => installed[name] === undefined));
  if (Object.keys(missing).length === 0) return () => {};
  return addDependenciesToPackageJson(tree, {}, missing, undefined, keepExistingVersions);
}

export default initGeneratorInternal;
