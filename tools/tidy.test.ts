// Proves the codebase keeps the rules a linter cannot see: domains never import each other, library code takes time and randomness injected (no Math.random, Date.now, parseFloat, console), every test file says what it proves, and every package has a README.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES_DIR = join(ROOT, 'packages');

/**
 * Packages that are not bounded domains. kernel, platform and db are shared infrastructure that any
 * package may import; flows is the composition package whose job is to call several domains.
 */
const SHARED_PACKAGES = new Set(['kernel', 'platform', 'db']);
const COMPOSITION_PACKAGES = new Set(['flows']);
/**
 * Pure libraries: no database schema, no module, no state. Any package may import them (payments
 * reads ISO 20022 files with `@zhirong/iso20022`); they themselves import only the kernel.
 */
const LIBRARY_PACKAGES = new Set(['iso20022', 'ml', 'simulator']);

/**
 * The only files allowed to touch a banned global, because they *are* the injected abstraction.
 * Keep this list tiny: every other file receives a Clock, an Rng, a logger or Money instead.
 */
const BANNED_GLOBAL_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // systemClock is the production Clock; everything else reads time through an injected Clock.
  'packages/kernel/src/clock.ts': ['Date.now'],
};

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'artifacts', '.zhirong', '.git']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const TEST_FILE = /\.(?:test|spec)\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Every source file under `dir`, as absolute paths, in a stable order. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...walk(join(dir, entry.name)));
    } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

function packageNames(): string[] {
  return readdirSync(PACKAGES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

function isDomain(name: string): boolean {
  return !SHARED_PACKAGES.has(name) && !COMPOSITION_PACKAGES.has(name) && !LIBRARY_PACKAGES.has(name);
}

/** Repository-relative path with forward slashes, for messages and the allow-list. */
function rel(file: string): string {
  return relative(ROOT, file).split(sep).join('/');
}

function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1;
}

interface Finding {
  readonly line: number;
  readonly text: string;
}

/** Module specifiers of static imports/exports, dynamic `import()` and `require()`; comments and strings are ignored. */
function findImports(source: ts.SourceFile): Finding[] {
  const out: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) {
        out.push({ line: lineOf(source, node.moduleSpecifier.getStart()), text: node.moduleSpecifier.text });
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression))
        out.push({ line: lineOf(source, expression.getStart()), text: expression.text });
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && first !== undefined && ts.isStringLiteralLike(first)) {
        out.push({ line: lineOf(source, first.getStart()), text: first.text });
      }
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) {
        out.push({ line: lineOf(source, argument.literal.getStart()), text: argument.literal.text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Right-most dotted name of an expression (`globalThis.Math.random` → `Math.random`), or undefined. */
function dottedTail(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return `${dottedTail(node.expression) ?? ''}.${node.name.text}`;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    return `${dottedTail(node.expression) ?? ''}.${node.argumentExpression.text}`;
  }
  return undefined;
}

function endsWithName(dotted: string, name: string): boolean {
  return dotted === name || dotted.endsWith(`.${name}`);
}

/**
 * Uses of globals that bypass the injected Clock, Rng, Money and logger: `Math.random`, `Date.now`,
 * an argument-less `new Date()`, `parseFloat` (bare or `Number.parseFloat`) and `console`.
 * Only code counts: a word in a comment or a string is not a use.
 */
function findBannedGlobals(source: ts.SourceFile): Finding[] {
  const out: Finding[] = [];
  const report = (node: ts.Node, text: string): void => {
    out.push({ line: lineOf(source, node.getStart()), text });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const dotted = dottedTail(node);
      if (dotted !== undefined) {
        if (endsWithName(dotted, 'Math.random')) report(node, 'Math.random');
        else if (endsWithName(dotted, 'Date.now')) report(node, 'Date.now');
        else if (dotted.endsWith('.parseFloat')) report(node, 'parseFloat');
      }
      // `console.log`, `globalThis.console.error`: the object is console.
      const object = node.expression;
      const objectName = ts.isIdentifier(object)
        ? object.text
        : ts.isPropertyAccessExpression(object)
          ? object.name.text
          : undefined;
      if (objectName === 'console') report(node, 'console');
      ts.forEachChild(node, visit);
      return;
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      if ((node.arguments?.length ?? 0) === 0) report(node, 'new Date() without arguments (reads the wall clock)');
    }
    if (ts.isIdentifier(node) && (node.text === 'parseFloat' || node.text === 'console')) {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) ||
          ts.isMethodDeclaration(parent) ||
          ts.isPropertyDeclaration(parent) ||
          ts.isPropertySignature(parent)) &&
          parent.name === node);
      // `console.log` was reported above as an access; here only bare references such as `map(parseFloat)`.
      const isAccessObject =
        (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === node;
      if (!isMemberName && !isAccessObject) report(node, node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The package a path lies in (`packages/<name>/…`), or undefined. */
function packageOf(absolutePath: string): string | undefined {
  const parts = relative(PACKAGES_DIR, absolutePath).split(sep);
  if (parts.length < 2 || parts[0] === '..' || parts[0] === '') return undefined;
  return parts[0];
}

/** Why importing `specifier` from `file` (inside domain package `from`) crosses a boundary, or undefined if it is fine. */
function boundaryViolation(file: string, from: string, specifier: string): string | undefined {
  const scoped = /^@zhirong\/([^/]+)/.exec(specifier);
  if (scoped !== null) {
    const target = scoped[1] ?? '';
    if (target === from || SHARED_PACKAGES.has(target) || LIBRARY_PACKAGES.has(target)) return undefined;
    return `domain package ${from} imports ${specifier}; a domain may import only ${[...SHARED_PACKAGES, ...LIBRARY_PACKAGES].map((p) => `@zhirong/${p}`).join(', ')}, and cross-domain work belongs in packages/flows`;
  }
  if (!specifier.startsWith('.')) return undefined;
  const resolved = resolve(dirname(file), specifier);
  if (resolved === join(PACKAGES_DIR, from) || resolved.startsWith(join(PACKAGES_DIR, from) + sep)) return undefined;
  const target = packageOf(resolved);
  if (target === undefined) return `imports ${specifier}, a relative path out of package ${from}`;
  return `imports ${specifier}, a relative path into package ${target}; ${isDomain(target) ? 'domains never import each other' : `import @zhirong/${target} instead`}`;
}

function format(file: string, finding: Finding, message: string): string {
  return `${rel(file)}:${finding.line}: ${message}`;
}

function expectNoViolations(violations: readonly string[]): void {
  expect(violations, `\n${violations.join('\n')}\n`).toEqual([]);
}

describe('tidy', () => {
  it('domain packages do not import other domain packages', () => {
    const violations: string[] = [];
    for (const name of packageNames().filter(isDomain)) {
      for (const file of walk(join(PACKAGES_DIR, name)).filter((f) => !TEST_FILE.test(f))) {
        const source = parse(file, readFileSync(file, 'utf8'));
        for (const found of findImports(source)) {
          const why = boundaryViolation(file, name, found.text);
          if (why !== undefined) violations.push(format(file, found, why));
        }
      }
    }
    expectNoViolations(violations);
  });

  it('pure library packages import only the kernel', () => {
    const violations: string[] = [];
    for (const name of packageNames().filter((n) => LIBRARY_PACKAGES.has(n))) {
      for (const file of walk(join(PACKAGES_DIR, name)).filter((f) => !TEST_FILE.test(f))) {
        const source = parse(file, readFileSync(file, 'utf8'));
        for (const found of findImports(source)) {
          const scoped = /^@zhirong\/([^/]+)/.exec(found.text);
          if (scoped !== null && scoped[1] !== 'kernel' && scoped[1] !== name)
            violations.push(
              format(
                file,
                found,
                `library package ${name} imports ${found.text}; a library imports only @zhirong/kernel`,
              ),
            );
          else if (found.text.startsWith('.')) {
            const why = boundaryViolation(file, name, found.text);
            if (why !== undefined) violations.push(format(file, found, why));
          }
        }
      }
    }
    expectNoViolations(violations);
  });

  it('library code takes time, randomness, numbers and logging injected', () => {
    const violations: string[] = [];
    for (const name of packageNames()) {
      for (const file of walk(join(PACKAGES_DIR, name)).filter((f) => !TEST_FILE.test(f))) {
        const allowed = BANNED_GLOBAL_ALLOWED[rel(file)] ?? [];
        const source = parse(file, readFileSync(file, 'utf8'));
        for (const found of findBannedGlobals(source)) {
          if (allowed.includes(found.text)) continue;
          violations.push(format(file, found, `uses ${found.text}; take a Clock, an Rng, Money or a logger instead`));
        }
      }
    }
    expectNoViolations(violations);
  });

  it('the allow-list names only files that exist and still need it', () => {
    for (const [path, names] of Object.entries(BANNED_GLOBAL_ALLOWED)) {
      const file = join(ROOT, path);
      expect(existsSync(file), path).toBe(true);
      const used = new Set(findBannedGlobals(parse(file, readFileSync(file, 'utf8'))).map((f) => f.text));
      for (const name of names) expect(used.has(name), `${path} no longer uses ${name}`).toBe(true);
    }
  });

  it('every test file begins with a comment saying what it proves', () => {
    const violations: string[] = [];
    const files = [...walk(PACKAGES_DIR), ...walk(join(ROOT, 'apps')), ...walk(join(ROOT, 'tools'))].filter((f) =>
      TEST_FILE.test(f),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const firstLine =
        readFileSync(file, 'utf8')
          .replace(/^\uFEFF/, '')
          .split('\n', 1)[0] ?? '';
      if (!/^\s*(?:\/\/|\/\*)\s*\S/.test(firstLine)) {
        violations.push(`${rel(file)}:1: a test file begins with a // or /* comment saying what it proves`);
      }
    }
    expectNoViolations(violations);
  });

  it('every package has a README.md', () => {
    const missing = packageNames()
      .filter((name) => !existsSync(join(PACKAGES_DIR, name, 'README.md')))
      .map((name) => `packages/${name}/README.md: missing`);
    expectNoViolations(missing);
  });
});

describe('tidy scanners', () => {
  const scan = (text: string) => parse('fixture.ts', text);

  it('find real uses of banned globals and ignore comments, strings and member names', () => {
    const source = scan(
      [
        '// Math.random() and Date.now() in a comment are fine, and so is "console.log" in a string.',
        'const a = Math.random();',
        'const b = globalThis.Date.now();',
        "const c = Number.parseFloat('1.5') + parseFloat('2');",
        'console.log(a);',
        'const log = console;',
        "const d = Math['random']();",
        'const e = new Date();',
        'const f = new Date(0);',
        'const g = { parseFloat: 1, console: 2 }.console;',
        'const h = ["1"].map(parseFloat);',
      ].join('\n'),
    );
    expect(findBannedGlobals(source).map((f) => `${f.line} ${f.text}`)).toEqual([
      '2 Math.random',
      '3 Date.now',
      '4 parseFloat',
      '4 parseFloat',
      '5 console',
      '6 console',
      '7 Math.random',
      '8 new Date() without arguments (reads the wall clock)',
      '11 parseFloat',
    ]);
  });

  it('tell allowed imports from boundary crossings', () => {
    const file = join(PACKAGES_DIR, 'ledger', 'src', 'transfer.service.ts');
    const allowed = [
      '@zhirong/kernel',
      '@zhirong/kernel/testing',
      '@zhirong/platform',
      '@zhirong/db',
      '@zhirong/iso20022',
      '@zhirong/ledger',
      './transfer.ts',
      '../package.json',
      'kysely',
      'node:crypto',
    ];
    for (const specifier of allowed) expect(boundaryViolation(file, 'ledger', specifier), specifier).toBeUndefined();
    const crossing = [
      '@zhirong/risk',
      '@zhirong/flows',
      '@zhirong/server',
      '../../risk/src/contract.ts',
      '../../kernel/src/money.ts',
      '../../../tools/x.ts',
    ];
    for (const specifier of crossing)
      expect(boundaryViolation(file, 'ledger', specifier), specifier).toBeTypeOf('string');
  });

  it('find static, type-only, re-exported, dynamic and required imports, but not ones in comments', () => {
    const source = scan(
      [
        "import { a } from '@zhirong/ledger';",
        "import type { B } from '../../risk/src/contract.ts';",
        "export * from './local.ts';",
        "const c = await import('@zhirong/credit');",
        "const d = require('node:fs');",
        "// import { e } from '@zhirong/hidden';",
        "type F = import('@zhirong/typed').F;",
        'import {',
        '  g,',
        "} from '@zhirong/kernel';",
      ].join('\n'),
    );
    expect(findImports(source).map((f) => `${f.line} ${f.text}`)).toEqual([
      '1 @zhirong/ledger',
      '2 ../../risk/src/contract.ts',
      '3 ./local.ts',
      '4 @zhirong/credit',
      '5 node:fs',
      '7 @zhirong/typed',
      '10 @zhirong/kernel',
    ]);
  });
});
