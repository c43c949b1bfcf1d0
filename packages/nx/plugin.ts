/**
 * The Nx plugin entry (`"plugins": ["@strata/nx/plugin"]` in nx.json): inferred migration targets and
 * cross-stream project-graph edges.
 */
export { createNodes, createNodesV2, type StrataPluginOptions } from './src/plugins/plugin';
export { createDependencies } from './src/plugins/dependencies';
