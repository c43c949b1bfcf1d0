import type { ArrowFunction, CallExpression, FunctionDeclaration, FunctionExpression, MethodDeclaration, Node, SourceFile, SyntaxKind } from 'ts-morph';
import type { BatchOperations, OpBuilders } from '../ops/op-builders.js';
import { tsMorph } from './ts-morph.js';

/** A schema operation in a revision's `upgrade` or `downgrade` that no guard protects. */
export interface UnguardedOperation {
  /** The file, as given to {@link findUnguardedOperations}. */
  readonly file: string;
  /** 1-based line of the call. */
  readonly line: number;
  /** 1-based column of the call. */
  readonly column: number;
  /** The operation (`addColumn`; a call inside `batchAlterTable` names the batch method). */
  readonly method: string;
  /** The call's source, on one line, shortened to 120 characters. */
  readonly text: string;
}

/**
 * The `op` methods that change the schema: every method of {@link OpBuilders} but `execute` (raw SQL,
 * which no inspector can guard) and `batchAlterTable` (a container: the batch methods its callback
 * calls are the operations). A `Record`, so that a new builder fails compilation until it is listed.
 */
const SCHEMA_METHODS: Readonly<Record<Exclude<keyof OpBuilders, 'execute' | 'batchAlterTable'>, true>> = {
  createTable: true,
  dropTable: true,
  renameTable: true,
  addColumn: true,
  dropColumn: true,
  alterColumn: true,
  renameColumn: true,
  createIndex: true,
  dropIndex: true,
  renameIndex: true,
  createForeignKey: true,
  dropForeignKey: true,
  createUniqueConstraint: true,
  dropUniqueConstraint: true,
  createCheckConstraint: true,
  dropCheckConstraint: true,
  validateConstraint: true,
  renameConstraint: true,
  createPrimaryKey: true,
  dropPrimaryKey: true,
  createEnum: true,
  addEnumValue: true,
  renameEnumValue: true,
  dropEnum: true,
  enableRowLevelSecurity: true,
  disableRowLevelSecurity: true,
  createPolicy: true,
  dropPolicy: true,
  alterPolicy: true,
  createRole: true,
  dropRole: true,
  createSequence: true,
  alterSequence: true,
  dropSequence: true,
  createView: true,
  dropView: true,
  createSchema: true,
  dropSchema: true,
};

/** The methods of the `batch` object `op.batchAlterTable` passes to its callback. */
const BATCH_METHODS: Readonly<Record<keyof BatchOperations, true>> = {
  addColumn: true,
  dropColumn: true,
  alterColumn: true,
  renameColumn: true,
  createIndex: true,
  dropIndex: true,
  createForeignKey: true,
  dropForeignKey: true,
  createUniqueConstraint: true,
  dropUniqueConstraint: true,
  createCheckConstraint: true,
  dropCheckConstraint: true,
  validateConstraint: true,
  createPrimaryKey: true,
  dropPrimaryKey: true,
};

/** Longest `text` of a finding. */
const MAX_TEXT = 120;

/**
 * Finds the schema operations of a revision file that run without a guard (DESIGN rule 1; `strata
 * check`). Static: the source is parsed with ts-morph and read as a syntax tree, never run.
 *
 * What is checked: inside every function named `upgrade` or `downgrade` (a method, a property holding
 * a function, a function declaration or a variable holding a function), each call of a schema method
 * of `op` (every {@link OpBuilders} method but `execute`), and each call of a `batch.<method>` inside an
 * inline `op.batchAlterTable(table, (batch) => { ... })` callback (a `batchAlterTable` whose callback is
 * a reference, or destructures its parameter, counts as one operation itself). `op` is found through
 * the function's parameter, destructured (`{ op, inspect }`, renamed `{ op: o }`) or not (`ctx.op`,
 * `const { op } = ctx`, `const op = ctx.op`); so is `inspect`.
 *
 * What counts as guarded: a call that sits, at any depth inside the function,
 * - in either branch of an `if` whose condition is a guard expression,
 * - on the right of `&&`, `||` or `??` whose left is a guard expression,
 * - in either branch of `condition ? a : b` whose condition is a guard expression,
 * - or after an early return: a statement of a block preceded, in that same block, by an
 *   `if (<guard expression>) return;` (or a braced then-branch whose last statement is `return`).
 *
 * A guard expression reads a member of `inspect` (`inspect.hasTable(...)`, `inspect.tables()`,
 * `inspect.columns(...)`: any member), or names a variable of the function whose initializer does,
 * directly or through other such variables (`const cols = await inspect.columns('t')`, then
 * `if (!cols.some(...))`). Variables are matched by name within the function. Calls made in helper
 * functions outside `upgrade`/`downgrade` are not seen.
 *
 * @example
 * ```ts
 * import { findUnguardedOperations } from './check-guards.js';
 * const findings = findUnguardedOperations(
 *   "export default revision({ id: 'abcd', parents: [], async upgrade({ op }) { await op.dropTable('t'); }, async downgrade() {} });",
 *   'migrations/20240501_0905_drop_t.ts',
 * );
 * // [{ file: 'migrations/20240501_0905_drop_t.ts', line: 1, column: 82, method: 'dropTable', text: "op.dropTable('t')" }]
 * ```
 */
export function findUnguardedOperations(source: string, file: string): UnguardedOperation[] {
  // A fresh in-memory project per file: parsing only, no type checker, no lib files.
  const project = new (tsMorph().Project)({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { allowJs: true } });
  const sourceFile = project.createSourceFile('/revision.ts', source);
  const findings: UnguardedOperation[] = [];
  for (const fn of migrationFunctions(sourceFile)) {
    const scope = new FunctionScope(fn);
    for (const { call, method } of scope.operations()) {
      if (scope.isGuarded(call)) continue;
      const { line, column } = sourceFile.getLineAndColumnAtPos(call.getStart());
      findings.push({ file, line, column, method, text: oneLine(call.getText()) });
    }
  }
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** A function-like node: the `upgrade`/`downgrade` functions and the callbacks inside them. @internal */
type FunctionNode = MethodDeclaration | FunctionDeclaration | FunctionExpression | ArrowFunction;

function isFunctionNode(node: Node): node is FunctionNode {
  return tsMorph().Node.isMethodDeclaration(node) || tsMorph().Node.isFunctionDeclaration(node) || tsMorph().Node.isFunctionExpression(node) || tsMorph().Node.isArrowFunction(node);
}

/** The name a function is known by: its own, or that of the property or variable holding it. @internal */
function functionName(fn: FunctionNode): string | undefined {
  if (tsMorph().Node.isMethodDeclaration(fn) || tsMorph().Node.isFunctionDeclaration(fn)) return fn.getName();
  const holder = fn.getParent();
  if (tsMorph().Node.isPropertyAssignment(holder) || tsMorph().Node.isVariableDeclaration(holder)) return holder.getName();
  return undefined;
}

/** The outermost functions named `upgrade` or `downgrade`. @internal */
function migrationFunctions(sourceFile: SourceFile): FunctionNode[] {
  const named = sourceFile.getDescendants().filter(isFunctionNode).filter((fn) => ['upgrade', 'downgrade'].includes(functionName(fn) ?? ''));
  return named.filter((fn) => !named.some((other) => other !== fn && fn.getAncestors().includes(other)));
}

/** One `upgrade`/`downgrade` function: how it names `op` and `inspect`, and what it derives from `inspect`. @internal */
class FunctionScope {
  readonly #fn: FunctionNode;
  /** Local names of the context object (`upgrade(ctx)`). */
  readonly #contexts = new Set<string>();
  /** Local names of `op` and `inspect`. */
  readonly #names: Record<'op' | 'inspect', Set<string>> = { op: new Set(), inspect: new Set() };
  /** Variables whose value comes from `inspect`. */
  readonly #derived = new Set<string>();

  constructor(fn: FunctionNode) {
    this.#fn = fn;
    const [context] = fn.getParameters();
    const binding = context?.getNameNode();
    if (tsMorph().Node.isIdentifier(binding)) this.#contexts.add(binding.getText());
    else if (binding !== undefined) this.#bind(binding);
    const declarations = fn.getDescendantsOfKind(tsMorph().SyntaxKind.VariableDeclaration);
    for (const declaration of declarations) {
      const init = declaration.getInitializer();
      const name = declaration.getNameNode();
      if (tsMorph().Node.isIdentifier(init) && this.#contexts.has(init.getText()) && tsMorph().Node.isObjectBindingPattern(name)) this.#bind(name);
      if (tsMorph().Node.isIdentifier(name) && init !== undefined) {
        for (const member of ['op', 'inspect'] as const) if (this.#isMember(init, member)) this.#names[member].add(name.getText());
      }
    }
    // Variables derived from inspect, through any chain of other derived variables.
    for (let grew = true; grew; ) {
      grew = false;
      for (const declaration of declarations) {
        const init = declaration.getInitializer();
        if (init === undefined || !this.#readsInspect(init)) continue;
        for (const name of boundNames(declaration.getNameNode())) {
          if (!this.#derived.has(name) && !this.#names.op.has(name) && !this.#names.inspect.has(name)) {
            this.#derived.add(name);
            grew = true;
          }
        }
      }
    }
  }

  /** The schema operations the function calls, with the method each calls. */
  operations(): { call: CallExpression; method: string }[] {
    const found: { call: CallExpression; method: string }[] = [];
    for (const call of this.#fn.getDescendantsOfKind(tsMorph().SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!tsMorph().Node.isPropertyAccessExpression(callee) || !this.#refersTo(callee.getExpression(), 'op')) continue;
      const method = callee.getName();
      if (Object.hasOwn(SCHEMA_METHODS, method)) found.push({ call, method });
      else if (method === 'batchAlterTable') found.push(...batchOperations(call));
    }
    return found.sort((a, b) => a.call.getStart() - b.call.getStart());
  }

  /** Whether a guard protects the call (see {@link findUnguardedOperations}). */
  isGuarded(call: CallExpression): boolean {
    let child: Node = call;
    for (let parent = child.getParent(); parent !== undefined && child !== this.#fn; child = parent, parent = parent.getParent()) {
      if (tsMorph().Node.isIfStatement(parent) && child !== parent.getExpression() && this.#readsInspect(parent.getExpression())) return true;
      if (tsMorph().Node.isConditionalExpression(parent) && child !== parent.getCondition() && this.#readsInspect(parent.getCondition())) return true;
      if (tsMorph().Node.isBinaryExpression(parent) && child === parent.getRight() && isShortCircuit(parent.getOperatorToken().getKind())) {
        if (this.#readsInspect(parent.getLeft())) return true;
      }
      if (tsMorph().Node.isBlock(parent) && this.#followsGuardedReturn(parent.getStatements(), child)) return true;
    }
    return false;
  }

  /** A statement preceded in its block by `if (<guard>) return;`. */
  #followsGuardedReturn(statements: Node[], statement: Node): boolean {
    const before = statements.slice(0, statements.indexOf(statement));
    return before.some((s) => {
      if (!tsMorph().Node.isIfStatement(s) || !this.#readsInspect(s.getExpression())) return false;
      const then = s.getThenStatement();
      const last = tsMorph().Node.isBlock(then) ? then.getStatements().at(-1) : then;
      return last !== undefined && tsMorph().Node.isReturnStatement(last);
    });
  }

  /** A guard expression: it reads a member of `inspect`, or a variable derived from it, anywhere inside it. */
  #readsInspect(expression: Node): boolean {
    return [expression, ...expression.getDescendants()].some(
      (n) => (tsMorph().Node.isPropertyAccessExpression(n) && this.#refersTo(n.getExpression(), 'inspect')) || this.#isDerivedReference(n),
    );
  }

  /** An identifier naming a derived variable (not a property name: `x.cols` does not name `cols`). */
  #isDerivedReference(node: Node): boolean {
    if (!tsMorph().Node.isIdentifier(node) || !this.#derived.has(node.getText())) return false;
    const parent = node.getParent();
    return !(tsMorph().Node.isPropertyAccessExpression(parent) && parent.getNameNode() === node);
  }

  /** Whether `expression` is `op`/`inspect`: a local name of it, or `ctx.op`/`ctx.inspect`. */
  #refersTo(expression: Node, member: 'op' | 'inspect'): boolean {
    if (tsMorph().Node.isIdentifier(expression)) return this.#names[member].has(expression.getText());
    return this.#isMember(expression, member);
  }

  /** `ctx.op` / `ctx.inspect`, for a context parameter `ctx`. */
  #isMember(expression: Node, member: 'op' | 'inspect'): boolean {
    return (
      tsMorph().Node.isPropertyAccessExpression(expression) &&
      expression.getName() === member &&
      tsMorph().Node.isIdentifier(expression.getExpression()) &&
      this.#contexts.has(expression.getExpression().getText())
    );
  }

  /** Records the local names `{ op, inspect: i }` binds. */
  #bind(pattern: Node): void {
    if (!tsMorph().Node.isObjectBindingPattern(pattern)) return;
    for (const element of pattern.getElements()) {
      const property = element.getPropertyNameNode()?.getText() ?? element.getName();
      const local = element.getNameNode();
      if ((property === 'op' || property === 'inspect') && tsMorph().Node.isIdentifier(local)) this.#names[property].add(local.getText());
    }
  }
}

/** `&&`, `||`, `??`: their right side runs only as the left side allows. @internal */
function isShortCircuit(kind: SyntaxKind): boolean {
  const { SyntaxKind: kinds } = tsMorph();
  return kind === kinds.AmpersandAmpersandToken || kind === kinds.BarBarToken || kind === kinds.QuestionQuestionToken;
}

/**
 * The operations of one `op.batchAlterTable(table, callback)` call: the `batch.<method>` calls of an
 * inline callback (none when it takes no parameter), or the call itself when the callback cannot be
 * read (a reference, a destructured parameter). @internal
 */
function batchOperations(call: CallExpression): { call: CallExpression; method: string }[] {
  const callback = call.getArguments()[1];
  if (!tsMorph().Node.isArrowFunction(callback) && !tsMorph().Node.isFunctionExpression(callback)) return [{ call, method: 'batchAlterTable' }];
  const [parameter] = callback.getParameters();
  if (parameter === undefined) return [];
  const name = parameter.getNameNode();
  if (!tsMorph().Node.isIdentifier(name)) return [{ call, method: 'batchAlterTable' }];
  const batch = name.getText();
  return callback.getDescendantsOfKind(tsMorph().SyntaxKind.CallExpression).flatMap((inner) => {
    const callee = inner.getExpression();
    if (!tsMorph().Node.isPropertyAccessExpression(callee) || callee.getExpression().getText() !== batch) return [];
    const method = callee.getName();
    return Object.hasOwn(BATCH_METHODS, method) ? [{ call: inner, method }] : [];
  });
}

/** The names a declaration binds: `x`, or every name of `{ a, b: [c] }`. @internal */
function boundNames(name: Node): string[] {
  if (tsMorph().Node.isIdentifier(name)) return [name.getText()];
  return name.getDescendantsOfKind(tsMorph().SyntaxKind.BindingElement).flatMap((element) => {
    const local = element.getNameNode();
    return tsMorph().Node.isIdentifier(local) ? [local.getText()] : [];
  });
}

/** Source text on one line, shortened. @internal */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= MAX_TEXT ? line : `${line.slice(0, MAX_TEXT - 1)}…`;
}
