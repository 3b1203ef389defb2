import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The repository root, where README.md and docs/ are. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One fenced code block of the documentation. */
export type DocBlock = {
  /** The markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  /** Why the block is not checked, from an `<!-- doc-test: skip reason -->` comment right above its fence. */
  skip?: string;
};

/** `README.md:23`, for test names and failure messages. */
export const where = (block: DocBlock): string => `${block.file}:${block.line}`;

/** README.md and every docs/*.md. */
export const docFiles = (): string[] => [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** The fenced blocks of one markdown file, in order. */
export const blocksOf = (file: string, markdown = readFileSync(join(repoRoot, file), 'utf8')): DocBlock[] => {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[index]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length && !lines[end]!.trimStart().startsWith(fence!); end++)
      body.push(lines[end]!.slice(indent!.length));
    if (end === lines.length) throw new Error(`${file}:${index + 1}: the code block is never closed`);
    const skip = /^<!--\s*doc-test:\s*skip\s+(.*?)\s*-->$/.exec(lines[index - 1]?.trim() ?? '')?.[1];
    blocks.push({
      file,
      line: index + 1,
      lang: lang!.toLowerCase(),
      text: body.join('\n'),
      ...(skip && { skip }),
    });
    index = end;
  }
  return blocks;
};

/** Every fenced block of README.md and docs/*.md. */
export const docBlocks = (): DocBlock[] => docFiles().flatMap((file) => blocksOf(file));

/** The one documentation block whose text contains `marker` (a test names the example it runs by its content). */
export const blockContaining = (marker: string): DocBlock => {
  const found = docBlocks().filter((block) => block.text.includes(marker));
  if (found.length !== 1)
    throw new Error(`expected one doc block containing ${marker}, found ${found.length}`);
  return found[0]!;
};

/** An inline `<script>` of an html block: its code and the 0-based line of the block it starts on. */
export type InlineScript = { code: string; firstLine: number };

/** The inline scripts and the `src` of the script tags of an html block. */
export const scriptsOf = (html: string): { inline: InlineScript[]; sources: string[] } => {
  const inline: InlineScript[] = [];
  const sources: string[] = [];
  for (const match of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = /\bsrc="([^"]+)"/.exec(match[1]!)?.[1];
    if (src) sources.push(src);
    else
      inline.push({
        code: match[2]!,
        firstLine: html.slice(0, match.index! + match[0].indexOf('>') + 1).split('\n').length - 1,
      });
  }
  return { inline, sources };
};

/** The names a script reads from the global `SessionFetch`, such as `jquery` in `SessionFetch.jquery(...)`. */
export const sessionFetchNames = (code: string): string[] => [
  ...new Set([...code.matchAll(/\bSessionFetch\.(\w+)/g)].map((match) => match[1]!)),
];

/** `npm run X` commands in a text, as the script names X. */
export const npmRunScripts = (text: string): string[] => [
  ...new Set([...text.matchAll(/\bnpm run ([\w:.-]+)/g)].map((match) => match[1]!)),
];

/** The package entries the examples import, mapped to their sources (package.json `exports`, tsup entries). */
export const packageEntries: Record<string, string> = {
  'session-fetch': 'src/index.ts',
  'session-fetch/csrf': 'src/csrf/index.ts',
  'session-fetch/lifecycle': 'src/lifecycle/index.ts',
  'session-fetch/testing': 'src/testing/index.ts',
  'session-fetch/testing/msw': 'src/testing/msw.ts',
  'session-fetch/overlay': 'src/overlay/index.ts',
  'session-fetch/legacy': 'src/platform/legacy.ts',
};

/**
 * What an example takes from the app around it (a login dialog, the user's input, a client made elsewhere), and
 * the script-tag globals: declared once for every block rather than written into the README.
 */
const prelude = `
declare function showLoginDialog(): Promise<boolean>;
declare function showSavedLocallyNotice(): void;
declare function showLoggedOutPage(): void;
declare const user: string;
declare const password: string;
declare const draft: { text: string };
declare const api: import('session-fetch').SessionClient;
declare const SessionFetch: typeof import('${repoRoot}/src/platform/global.ts') & {
  mountOverlay: typeof import('session-fetch/overlay').mountOverlay;
  debug: typeof import('session-fetch/overlay').debug;
};
declare const $: any;
`;

// "Parameter 'x' implicitly has an 'any' type" and its binding-pattern form.
const implicitAny = [7006, 7031];

/** A piece of code to typecheck, and where its first line is in the markdown. */
export type CheckedSource = { block: DocBlock; code: string; js: boolean; firstLine: number };

/**
 * Typechecks every source in one program against the package's sources (the entries mapped to src/), with the
 * project's compiler options and the prelude's ambient names. Returns each source's errors as
 * `README.md:31: message`, keyed by the source.
 */
export const typecheck = (sources: CheckedSource[]): Map<CheckedSource, string[]> => {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  Object.assign(options, {
    noEmit: true,
    allowJs: true,
    checkJs: true,
    allowImportingTsExtensions: true,
    baseUrl: repoRoot,
    paths: Object.fromEntries(Object.entries(packageEntries).map(([name, path]) => [name, [path]])),
  });
  // Virtual files inside the repository, so that imports such as msw/node resolve from its node_modules.
  const virtual = new Map<string, string>([[join(repoRoot, '.doc-blocks/prelude.ts'), prelude]]);
  const nameOf = new Map<CheckedSource, string>();
  sources.forEach((source, index) => {
    const name = join(
      repoRoot,
      `.doc-blocks/${index}-${source.block.file.replace(/\W/g, '-')}.${source.js ? 'js' : 'ts'}`,
    );
    nameOf.set(source, name);
    // Each example is a module of its own (its names do not clash with another's; top-level await works).
    virtual.set(name, `${source.code}\nexport {};\n`);
  });
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = virtual.get(name);
    return text === undefined
      ? getSourceFile(name, language, ...rest)
      : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  // A broken prelude would leave the examples' names untyped, and so unchecked.
  const preludeFile = program.getSourceFile(join(repoRoot, '.doc-blocks/prelude.ts'))!;
  const preludeErrors = program.getSemanticDiagnostics(preludeFile);
  if (preludeErrors.length > 0)
    throw new Error(
      `the doc-block prelude: ${ts.flattenDiagnosticMessageText(preludeErrors[0]!.messageText, '\n')}`,
    );
  const errors = new Map<CheckedSource, string[]>();
  for (const source of sources) {
    const file = program.getSourceFile(nameOf.get(source)!)!;
    const found = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].filter(
      // Untyped parameters are plain JavaScript in a page's script, not a mistake.
      (diagnostic) => !(source.js && implicitAny.includes(diagnostic.code)),
    );
    errors.set(
      source,
      found.map((diagnostic) => {
        const line = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
        const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
        return `${source.block.file}:${source.block.line + 1 + source.firstLine + line}: ${text}`;
      }),
    );
  }
  return errors;
};

/**
 * Runs a ts block as an async function: `modules` answer its imports, `globals` are the app's names it uses
 * (showLoginDialog, api...), and the values of its own top-level names in `returns` are given back.
 */
export const runBlock = async (
  block: DocBlock,
  modules: Record<string, unknown>,
  globals: Record<string, unknown> = {},
  returns: string[] = [],
): Promise<Record<string, unknown>> => {
  const { outputText } = ts.transpileModule(block.text, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const require = (name: string) => {
    if (!(name in modules))
      throw new Error(`${where(block)} imports ${name}, which the test does not provide`);
    return modules[name];
  };
  const AsyncFunction = (async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<Record<string, unknown>>;
  const run = new AsyncFunction(
    'require',
    'exports',
    ...Object.keys(globals),
    `${outputText}\nreturn { ${returns.join(', ')} };`,
  );
  return run(require, {}, ...Object.values(globals));
};
