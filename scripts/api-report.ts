// API reports: every export of every published entry point, with its kind and declared signature, read from the
// built `.d.ts` with the TypeScript compiler API and written to etc/api/<package>.<entry>.api.md. A change to the
// public surface then shows in a diff. `pnpm api:update` rewrites the reports; `pnpm check:api` fails when the
// build no longer matches them.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One published entry point: `@camstream/core/wire` → `packages/core/dist/wire.d.ts`. */
export interface PublishedEntry {
  /** The import specifier (`@camstream/core/wire`). */
  readonly specifier: string;
  /** Report file name (`core.wire.api.md`). */
  readonly reportName: string;
  /** The entry's `types` file, absolute. */
  readonly typesFile: string;
  /** The package name, to tell apart a package's own declarations. */
  readonly packageName: string;
  /** The package's folder, absolute. */
  readonly packageDir: string;
}

interface PackageJson {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, string | Record<string, string>>;
}

/** The entry points of every package under `packages/` that is published (not `private`), by `exports`. */
export function publishedEntries(root: string): PublishedEntry[] {
  const entries: PublishedEntry[] = [];
  const packagesDir = join(root, 'packages');
  for (const dir of readdirSync(packagesDir).sort()) {
    const manifest = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as PackageJson;
    if (pkg.private === true) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target === 'string' || target.types === undefined) continue; // ./package.json
      const short = pkg.name.replace(/^@camstream\//, '');
      const entryName = subpath === '.' ? '' : `.${subpath.slice(2).replaceAll('/', '-')}`;
      entries.push({
        specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
        reportName: `${short}${entryName}.api.md`,
        typesFile: join(packagesDir, dir, target.types),
        packageName: pkg.name,
        packageDir: join(packagesDir, dir),
      });
    }
  }
  return entries;
}

/** Report texts by file name, one per entry. Throws when a `.d.ts` is missing (run `pnpm build` first). */
export function renderReports(root: string, entries: readonly PublishedEntry[]): Map<string, string> {
  const missing = entries.filter((e) => !existsSync(e.typesFile));
  if (missing.length > 0) {
    throw new Error(
      `no build to read: ${missing.map((e) => relative(root, e.typesFile)).join(', ')} missing; run \`pnpm build\` first`,
    );
  }
  // Only the packages' own declaration files: imports between them resolve, imports of anything else (node,
  // apache-arrow, the standard library) stay unresolved names, printed as written. That keeps it to ~1 s.
  const packageDirs = [...new Set(entries.map((e) => e.packageDir))];
  const rootNames = packageDirs.flatMap((dir) =>
    readdirSync(join(dir, 'dist'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.d.ts'))
      .map((f) => join(dir, 'dist', f)),
  );
  const program = ts.createProgram({
    rootNames,
    options: {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noResolve: true,
      noLib: true,
      types: [],
      noEmit: true,
    },
  });
  const checker = program.getTypeChecker();
  const exportsOf = (entry: PublishedEntry): ts.Symbol[] => {
    const source = program.getSourceFile(entry.typesFile);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    return module === undefined ? [] : checker.getExportsOfModule(module);
  };
  const exportsByEntry = new Map(entries.map((entry) => [entry, exportsOf(entry)]));
  // The names users import declarations by: chunks rename clashing names (`StoreId$1`), a report should not.
  // An entry's own export names come first, then those of its package's other entries.
  const publicNames = (entry: PublishedEntry): Map<ts.Declaration, string> => {
    const names = new Map<ts.Declaration, string>();
    const siblings = entries.filter((e) => e.packageName === entry.packageName && e !== entry);
    for (const e of [entry, ...siblings]) {
      for (const symbol of exportsByEntry.get(e)!) {
        for (const declaration of resolve(checker, symbol).declarations ?? []) {
          if (!names.has(declaration)) names.set(declaration, symbol.name);
        }
      }
    }
    return names;
  };
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const reports = new Map<string, string>();
  for (const entry of entries) {
    const names = publicNames(entry);
    const blocks = exportsByEntry
      .get(entry)!
      .slice()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((symbol) => describeExport(checker, printer, symbol, names));
    const body = blocks.length === 0 ? '// (no exports)' : blocks.join('\n\n');
    reports.set(
      entry.reportName,
      [
        `# API report: \`${entry.specifier}\``,
        '',
        `Every export of \`${entry.specifier}\` with its kind and declared signature, read from`,
        `\`${relative(root, entry.typesFile)}\` by \`scripts/api-report.ts\`. Do not edit: \`pnpm api:update\``,
        'rewrites it after a build, `pnpm check:api` fails while it differs from the build.',
        '',
        '```ts',
        body,
        '```',
        '',
      ].join('\n'),
    );
  }
  return reports;
}

function resolve(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** `export { type X }` or `export type { X }` somewhere along the way: a value that users may only name as a type. */
function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
  );
}

function kindOf(declaration: ts.Declaration): string {
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  if (ts.isModuleDeclaration(declaration)) return 'namespace';
  if (ts.isVariableDeclaration(declaration)) {
    const flags = declaration.parent.flags;
    return flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
  }
  return ts.SyntaxKind[declaration.kind];
}

const VALUE_KINDS = new Set(['class', 'function', 'enum', 'const', 'let', 'var', 'namespace']);

function describeExport(
  checker: ts.TypeChecker,
  printer: ts.Printer,
  symbol: ts.Symbol,
  names: ReadonlyMap<ts.Declaration, string>,
): string {
  const target = resolve(checker, symbol);
  const declarations = target.declarations ?? [];
  if (declarations.length === 0) return `// ${symbol.name}: unresolved`;
  const kinds = [...new Set(declarations.map(kindOf))];
  const typeOnly = isTypeOnlyExport(symbol) && kinds.some((k) => VALUE_KINDS.has(k));
  const header = `// ${symbol.name}: ${kinds.join(' + ')}${typeOnly ? ' (type only)' : ''}`;
  const texts = declarations.map((declaration) => {
    const renamed = renameReferences(checker, declaration, names);
    const sourceFile = declaration.getSourceFile();
    let text = printer.printNode(ts.EmitHint.Unspecified, renamed, sourceFile);
    if (ts.isVariableDeclaration(declaration)) text = `${kindOf(declaration)} ${text};`;
    text = text.replace(/^(?:export )?(?:declare )?/, '');
    // The declaration's own name, as this entry exports it.
    const local = (declaration as ts.NamedDeclaration).name;
    if (local !== undefined && ts.isIdentifier(local) && local.text !== symbol.name) {
      text = text.replace(
        new RegExp(`(^|\\s)${escapeRegExp(local.text)}(?=[\\s<:({=;])`),
        `$1${symbol.name}`,
      );
    }
    return text;
  });
  return [header, ...texts].join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Type references to the package's exported declarations, under the names users import them by. */
function renameReferences(
  checker: ts.TypeChecker,
  declaration: ts.Declaration,
  names: ReadonlyMap<ts.Declaration, string>,
): ts.Node {
  const rename = (id: ts.Identifier): ts.Identifier => {
    const symbol = checker.getSymbolAtLocation(id);
    const target = symbol === undefined ? undefined : resolve(checker, symbol);
    const name = target?.declarations?.map((d) => names.get(d)).find((n) => n !== undefined);
    return name === undefined || name === id.text ? id : ts.factory.createIdentifier(name);
  };
  const result = ts.transform<ts.Node>(declaration, [
    (context) => {
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
          const name = rename(node.typeName);
          const args = node.typeArguments?.map((a) => ts.visitNode(a, visit) as ts.TypeNode);
          return ts.factory.updateTypeReferenceNode(
            node,
            name,
            args === undefined ? undefined : ts.factory.createNodeArray(args),
          );
        }
        if (ts.isExpressionWithTypeArguments(node) && ts.isIdentifier(node.expression)) {
          const name = rename(node.expression);
          const args = node.typeArguments?.map((a) => ts.visitNode(a, visit) as ts.TypeNode);
          return ts.factory.updateExpressionWithTypeArguments(node, name, args);
        }
        if (ts.isTypeQueryNode(node) && ts.isIdentifier(node.exprName)) {
          return ts.factory.updateTypeQueryNode(node, rename(node.exprName), node.typeArguments);
        }
        return ts.visitEachChild(node, visit, context);
      };
      return (node) => ts.visitNode(node, visit) as ts.Node;
    },
  ]);
  const node = result.transformed[0]!;
  result.dispose();
  return node;
}

/** The differences between `reports` and the files in `dir`: none when they match. */
export function compareReports(reports: ReadonlyMap<string, string>, dir: string): string[] {
  const problems: string[] = [];
  const onDisk = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.api.md')) : [];
  for (const file of onDisk) {
    if (!reports.has(file)) problems.push(`${file}: no published entry point has this report any more`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'camstream-api-'));
  try {
    for (const [file, text] of reports) {
      const path = join(dir, file);
      if (!existsSync(path)) {
        problems.push(`${file}: missing (a new entry point)`);
        continue;
      }
      if (readFileSync(path, 'utf8') === text) continue;
      const built = join(scratch, file);
      writeFileSync(built, text);
      problems.push(`${file}: the build differs from the report\n${unifiedDiff(path, built)}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return problems;
}

function unifiedDiff(reportFile: string, builtFile: string): string {
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', '--', reportFile, builtFile], {
      encoding: 'utf8',
    });
    return '';
  } catch (error) {
    // `git diff --no-index` exits 1 when the files differ; its output is the diff.
    const stdout = (error as { stdout?: string }).stdout;
    if (typeof stdout === 'string' && stdout !== '') return stdout.split('\n').slice(4).join('\n').trimEnd(); // without the diff --git/index/---/+++ lines
    return '(no diff available: is git installed?)';
  }
}

/** Writes `reports` to `dir`, removing reports of entry points that are gone. */
export function writeReports(reports: ReadonlyMap<string, string>, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.api.md') && !reports.has(file)) rmSync(join(dir, file));
  }
  for (const [file, text] of reports) writeFileSync(join(dir, file), text);
}

function main(argv: readonly string[]): number {
  const root = join(import.meta.dirname, '..');
  const dir = join(root, 'etc', 'api');
  const reports = renderReports(root, publishedEntries(root));
  if (argv.includes('--update')) {
    writeReports(reports, dir);
    console.log(`api reports: ${reports.size} written to ${relative(root, dir)}/`);
    return 0;
  }
  const problems = compareReports(reports, dir);
  if (problems.length === 0) {
    console.log(`api reports: ${reports.size} entry points match ${relative(root, dir)}/`);
    return 0;
  }
  console.error(
    `The public API differs from etc/api/. If the change is meant, run \`pnpm api:update\` and commit the reports (a changed export needs a changeset).\n\n${problems.join('\n\n')}`,
  );
  return 1;
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`api reports: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
