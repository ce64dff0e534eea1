// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig parser for the subset drivers/cxl/Kconfig and
 * drivers/dax/Kconfig use: config/menuconfig entries of type bool or
 * tristate, prompt, depends on, select, imply, default, def_bool,
 * def_tristate, help, modules; if/endif; menu/endmenu with depends on and
 * visible if; comment; mainmenu. Several files parse into one symbol table.
 *
 * Deviations from scripts/kconfig: choice, int/hex/string, range and
 * `option` other than `option modules` are rejected; `source` is an error
 * unless the caller asks to ignore it (pass every file instead); an `if`
 * or `menu` block must end in the file that opened it.
 */
import type { Dep, DepOrigin, Entry, Expr, Kconfig, KSymbol, SourceExpr } from './ast.js';
import { KconfigError } from './errors.js';
import { forEachSymbol, parseAtom, parseExpr, TokenCursor } from './expr_parser.js';
import { indentOf, logicalLine, physicalLines, type LogicalLine } from './lexer.js';

/** One Kconfig file: its path (used in messages) and its text. */
export interface KconfigSource {
  readonly file: string;
  readonly text: string;
}

/** Parser options. */
export interface ParseOptions {
  /** What to do with `source "..."`: throw (the default) or skip the line. */
  readonly source?: 'error' | 'ignore';
}

const BLOCK_KEYWORDS = new Set(['config', 'menuconfig', 'choice', 'endchoice', 'comment', 'menu', 'endmenu', 'if', 'endif', 'source', 'mainmenu']);

interface Block {
  readonly kind: 'if' | 'menu';
  readonly line: number;
  readonly deps: Dep[];
  readonly visibleIf: Dep[];
}

/** An empty symbol table to parse files into. */
export function emptyKconfig(): Kconfig {
  return { symbols: new Map(), files: [], refs: [] };
}

/** Parses Kconfig files, in order, into one symbol table. */
export function parseKconfig(sources: readonly KconfigSource[], options: ParseOptions = {}): Kconfig {
  const kconfig = emptyKconfig();
  for (const s of sources) parseInto(kconfig, s, options);
  return kconfig;
}

/** Parses one more Kconfig file into an existing symbol table. */
export function parseInto(kconfig: Kconfig, source: KconfigSource, options: ParseOptions = {}): void {
  new FileParser(kconfig, source, options).run();
  kconfig.files.push(source.file);
}

class FileParser {
  private readonly lines: string[];
  private i = 0;
  private readonly blocks: Block[] = [];

  constructor(
    private readonly kconfig: Kconfig,
    private readonly source: KconfigSource,
    private readonly options: ParseOptions,
  ) {
    this.lines = physicalLines(source.text);
  }

  private get file(): string {
    return this.source.file;
  }

  /** The next non-blank logical line, without consuming it. */
  private peekLine(): LogicalLine | undefined {
    while (this.i < this.lines.length) {
      const l = logicalLine(this.file, this.lines, this.i);
      if (l.tokens.length > 0) return l;
      this.i = l.lastIndex + 1;
    }
    return undefined;
  }

  private consume(l: LogicalLine): void {
    this.i = l.lastIndex + 1;
  }

  run(): void {
    for (let l = this.peekLine(); l; l = this.peekLine()) {
      this.consume(l);
      this.statement(l);
    }
    const open = this.blocks.at(-1);
    if (open) {
      const end = open.kind === 'if' ? 'endif' : 'endmenu';
      throw new KconfigError(this.file, open.line, `'${open.kind}' is not closed by '${end}' before the end of the file`);
    }
  }

  private statement(l: LogicalLine): void {
    const c = new TokenCursor(this.file, l.line, l.tokens);
    const kw = c.next()!;
    if (kw.kind !== 'word') throw new KconfigError(this.file, l.line, `syntax error: expected a statement (config, menuconfig, if, endif, menu, endmenu, comment, source), found '${kw.value}'`);
    switch (kw.value) {
      case 'config':
      case 'menuconfig':
        return this.configEntry(l, c);
      case 'if': {
        const dep = this.dep(l, c, 'if');
        this.blocks.push({ kind: 'if', line: l.line, deps: [dep], visibleIf: [] });
        return;
      }
      case 'endif':
      case 'endmenu':
        return this.endBlock(l, c, kw.value === 'endif' ? 'if' : 'menu');
      case 'menu':
        return this.menu(l, c);
      case 'comment':
        this.promptString(c, 'comment');
        this.endOfLine(c);
        return this.skipAttributes('comment');
      case 'mainmenu':
        this.promptString(c, 'mainmenu');
        return this.endOfLine(c);
      case 'source':
        if (this.options.source === 'ignore') return;
        throw new KconfigError(this.file, l.line, "'source' is not supported: pass every Kconfig file to parseKconfig() instead");
      case 'choice':
      case 'endchoice':
        throw new KconfigError(this.file, l.line, `'${kw.value}' is not supported by this parser`);
      default:
        throw new KconfigError(this.file, l.line, `syntax error: expected a statement (config, menuconfig, if, endif, menu, endmenu, comment, source), found '${kw.value}'`);
    }
  }

  private endBlock(l: LogicalLine, c: TokenCursor, kind: 'if' | 'menu'): void {
    this.endOfLine(c);
    const top = this.blocks.at(-1);
    const word = kind === 'if' ? 'endif' : 'endmenu';
    if (!top) throw new KconfigError(this.file, l.line, `'${word}' without a matching '${kind}'`);
    if (top.kind !== kind) throw new KconfigError(this.file, l.line, `'${word}' closes the '${top.kind}' opened at line ${top.line}`);
    this.blocks.pop();
  }

  private menu(l: LogicalLine, c: TokenCursor): void {
    this.promptString(c, 'menu');
    this.endOfLine(c);
    const block: Block = { kind: 'menu', line: l.line, deps: [], visibleIf: [] };
    for (let a = this.peekLine(); a && !this.isBlockStart(a); a = this.peekLine()) {
      this.consume(a);
      const ac = new TokenCursor(this.file, a.line, a.tokens);
      const w = ac.next()!.value;
      if (w === 'depends' && ac.at('on')) {
        ac.next();
        block.deps.push(this.dep(a, ac, 'menu'));
      } else if (w === 'visible' && ac.at('if')) {
        ac.next();
        block.visibleIf.push(this.dep(a, ac, 'menu'));
      } else {
        throw new KconfigError(this.file, a.line, `syntax error: expected 'depends on' or 'visible if' after 'menu', found '${w}'`);
      }
    }
    this.blocks.push(block);
  }

  private skipAttributes(what: string): void {
    for (let a = this.peekLine(); a && !this.isBlockStart(a); a = this.peekLine()) {
      this.consume(a);
      const ac = new TokenCursor(this.file, a.line, a.tokens);
      const w = ac.next()!.value;
      if (w !== 'depends' || !ac.at('on')) throw new KconfigError(this.file, a.line, `syntax error: expected 'depends on' after '${what}', found '${w}'`);
      ac.next();
      this.dep(a, ac, 'depends');
    }
  }

  private isBlockStart(l: LogicalLine): boolean {
    const t = l.tokens[0]!;
    return t.kind === 'word' && BLOCK_KEYWORDS.has(t.value);
  }

  private configEntry(l: LogicalLine, c: TokenCursor): void {
    const nameTok = c.next();
    if (!nameTok || nameTok.kind !== 'word') throw new KconfigError(this.file, l.line, 'syntax error: expected a symbol name after \'config\'');
    this.endOfLine(c);
    const sym = this.symbol(nameTok.value);
    const parent = this.blocks.flatMap((b) => b.deps);
    const visibleIf = this.blocks.flatMap((b) => b.visibleIf);
    const entry: Entry = { file: this.file, line: l.line, own: [], parent, visibleIf };
    sym.entries.push(entry);
    for (let a = this.peekLine(); a && !this.isBlockStart(a); a = this.peekLine()) {
      this.consume(a);
      this.attribute(sym, entry, a);
    }
  }

  private attribute(sym: KSymbol, entry: Entry, l: LogicalLine): void {
    const c = new TokenCursor(this.file, l.line, l.tokens);
    const kw = c.next()!;
    switch (kw.value) {
      case 'bool':
      case 'tristate':
        this.setType(sym, kw.value, l);
        if (!c.done()) this.prompt(sym, entry, l, c);
        return;
      case 'def_bool':
      case 'def_tristate':
        this.setType(sym, kw.value === 'def_bool' ? 'bool' : 'tristate', l);
        return this.defaultValue(sym, entry, l, c);
      case 'prompt':
        return this.prompt(sym, entry, l, c);
      case 'default':
        return this.defaultValue(sym, entry, l, c);
      case 'depends':
        if (!c.at('on')) throw c.error("'on' after 'depends'");
        c.next();
        entry.own.push(this.dep(l, c, 'depends'));
        return;
      case 'select':
      case 'imply': {
        const t = c.next();
        if (!t || t.kind !== 'word') throw new KconfigError(this.file, l.line, `syntax error: expected a symbol name after '${kw.value}'`);
        this.kconfig.refs.push({ name: t.value, file: this.file, line: l.line, context: kw.value });
        // The `if` takes a whole expression (parser.y: if_expr), not one symbol like the target.
        const cond = this.optionalIf(l, c, `${kw.value} ... if`);
        (kw.value === 'select' ? sym.selects : sym.implies).push({ entry, target: t.value, cond, file: this.file, line: l.line });
        return;
      }
      case 'help':
      case '---help---':
        this.endOfLine(c);
        return this.skipHelp();
      case 'modules':
        this.endOfLine(c);
        sym.isModules = true;
        return;
      case 'option':
        if (c.at('modules')) {
          c.next();
          this.endOfLine(c);
          sym.isModules = true;
          return;
        }
        throw new KconfigError(this.file, l.line, "only 'option modules' is supported");
      case 'int':
      case 'hex':
      case 'string':
      case 'range':
        throw new KconfigError(this.file, l.line, `'${kw.value}' is not supported: only bool and tristate symbols are`);
      default:
        throw new KconfigError(this.file, l.line, `syntax error: expected a config attribute (bool, tristate, prompt, depends on, select, imply, default, def_bool, def_tristate, help), found '${kw.value}'`);
    }
  }

  private setType(sym: KSymbol, type: 'bool' | 'tristate', l: LogicalLine): void {
    if (sym.type && sym.type !== type) throw new KconfigError(this.file, l.line, `symbol ${sym.name} redefined as ${type}, it was ${sym.type}`);
    sym.type = type;
  }

  private prompt(sym: KSymbol, entry: Entry, l: LogicalLine, c: TokenCursor): void {
    const text = this.promptString(c, 'prompt');
    const cond = this.optionalIf(l, c, 'prompt');
    sym.prompts.push({ entry, text, cond });
  }

  private defaultValue(sym: KSymbol, entry: Entry, l: LogicalLine, c: TokenCursor): void {
    const value = this.sourceExpr(l, c, 'default');
    const cond = this.optionalIf(l, c, 'default');
    sym.defaults.push({ entry, value, cond });
  }

  private promptString(c: TokenCursor, what: string): string {
    const t = c.peek();
    if (!t || t.kind !== 'string') throw c.error(`a quoted prompt after '${what}'`);
    c.next();
    return t.value;
  }

  private optionalIf(l: LogicalLine, c: TokenCursor, context: string): SourceExpr | undefined {
    if (c.done()) return undefined;
    if (!c.at('if')) throw c.error("'if' or end of line");
    c.next();
    return this.sourceExpr(l, c, context, true);
  }

  private dep(l: LogicalLine, c: TokenCursor, origin: DepOrigin): Dep {
    return { ...this.sourceExpr(l, c, origin === 'depends' ? 'depends on' : origin, true), origin };
  }

  /** Parses an expression; `whole` requires it to end the line. */
  private sourceExpr(l: LogicalLine, c: TokenCursor, context: string, whole = false): SourceExpr {
    const first = c.pos;
    if (c.done()) throw c.error(`an expression after '${context}'`);
    const expr: Expr = context === 'select' || context === 'imply' ? parseAtom(c) : parseExpr(c);
    if (whole) this.endOfLine(c);
    else if (!c.done() && !c.at('if')) throw c.error("an operator, 'if' or end of line");
    const toks = l.tokens.slice(first, c.pos);
    const text = l.text.slice(toks[0]!.start, toks.at(-1)!.end).replace(/\s+/g, ' ');
    forEachSymbol(expr, (name) => this.kconfig.refs.push({ name, file: this.file, line: l.line, context }));
    return { expr, text, file: this.file, line: l.line };
  }

  private endOfLine(c: TokenCursor): void {
    if (!c.done()) throw c.error('end of line');
  }

  private skipHelp(): void {
    let helpIndent = -1;
    while (this.i < this.lines.length) {
      const raw = this.lines[this.i]!;
      if (raw.trim() === '') {
        this.i++;
        continue;
      }
      const ind = indentOf(raw);
      if (helpIndent < 0) helpIndent = ind;
      if (ind < helpIndent || helpIndent === 0) return;
      this.i++;
    }
  }

  private symbol(name: string): KSymbol {
    let s = this.kconfig.symbols.get(name);
    if (!s) {
      s = { name, entries: [], prompts: [], defaults: [], selects: [], implies: [], isModules: false };
      this.kconfig.symbols.set(name, s);
    }
    return s;
  }
}
