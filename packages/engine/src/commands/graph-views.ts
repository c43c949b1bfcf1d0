import { markers, revisionBlock, revisionJson, revisionLine } from '../report/format-revision.js';
import type { Output } from '../report/output.js';
import { resolveTarget } from '../revision/resolve-target.js';
import type { RevisionGraph } from '../revision/revision-graph.js';

/**
 * `strata heads`: the revisions no other revision builds on, one line each (`verbose`: in full);
 * `resolveDependencies` leaves out heads another revision lists in `dependsOn`. `--json`: `{ heads }`.
 *
 * @example
 * ```ts
 * import { headsCommand, Output, RevisionGraph } from '@strata/engine';
 * headsCommand(new Output({ json: false }), { graph: new RevisionGraph([]) });
 * ```
 */
export function headsCommand(out: Output, options: { readonly graph: RevisionGraph; readonly verbose?: boolean; readonly resolveDependencies?: boolean }): void {
  const { graph } = options;
  const heads = (options.resolveDependencies === true ? graph.headsResolvingDependencies() : graph.heads()).map((id) => graph.get(id));
  out.result({ heads: heads.map((r) => revisionJson(graph, r)) }, () => {
    for (const r of heads) out.line(options.verbose === true ? revisionBlock(graph, r) : `${r.id}${markers(graph, r.id)}, ${r.message}`);
  });
}

/**
 * `strata branches`: every revision two or more revisions build on, each followed by the revisions
 * that branch from it. `--json`: `{ branchPoints }`.
 *
 * @example
 * ```ts
 * import { branchesCommand, Output, RevisionGraph } from '@strata/engine';
 * branchesCommand(new Output({ json: false }), { graph: new RevisionGraph([]) });
 * ```
 */
export function branchesCommand(out: Output, options: { readonly graph: RevisionGraph; readonly verbose?: boolean }): void {
  const { graph } = options;
  const points = graph.branchPoints().map((id) => graph.get(id));
  out.result({ branchPoints: points.map((r) => revisionJson(graph, r)) }, () => {
    for (const r of points) {
      out.line(options.verbose === true ? revisionBlock(graph, r) : `${r.id}${markers(graph, r.id)}, ${r.message}`);
      for (const child of graph.children(r.id)) out.line(`             -> ${revisionLine(graph, graph.get(child))}`);
    }
  });
}

/**
 * `strata show REV`: each revision `target` names (an id, prefix, `head`, `<label>@head`...) in full:
 * id, parents, children, labels, dependencies, file and message. `--json`: `{ revisions }`.
 *
 * @example
 * ```ts
 * import { Output, RevisionGraph, showCommand } from '@strata/engine';
 * // showCommand(new Output({ json: false }), { graph, target: 'head' });
 * ```
 */
export function showCommand(out: Output, options: { readonly graph: RevisionGraph; readonly target: string }): void {
  const { graph } = options;
  const ids = resolveTarget(graph, options.target, [], 'show');
  out.result({ revisions: ids.map((id) => revisionJson(graph, graph.get(id))) }, () => {
    for (const id of ids) out.line(revisionBlock(graph, graph.get(id)));
  });
}
