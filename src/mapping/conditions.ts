import { compileAccessor, PathError, type InputKind, type ParsedInput } from './inputs.js';

/** What a compiled condition or value reads at evaluation time. */
export interface EvalScope {
  readonly input: ParsedInput;
  /** Logical inputs computed so far (earlier steps), by name. */
  readonly values: Readonly<Record<string, unknown>>;
}

export type Condition = (scope: EvalScope) => boolean;
type Operand = (scope: EvalScope) => string[];

interface Token {
  readonly text: string;
  readonly column: number;
}

// Words may hold bracketed filters (`PID-3[CX.5=NH].1`), so `=` inside brackets is not an operator.
const TOKEN = /\s*((?:[^\s(),=!'"[\]]|\[[^\]]*\])+|'[^']*'|"[^"]*"|!=|=|\(|\)|,)/y;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (text.slice(pos).trim() === '') break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (m === null) throw new PathError(`unexpected character "${text[pos]}"`, pos + 1);
    const word = m[1] ?? '';
    const lead = m[0].length - word.length;
    out.push({ text: word, column: pos + lead + 1 });
    pos = TOKEN.lastIndex;
  }
  return out;
}

/**
 * Compiles `MSH-9.1 = REF and MSH-9.2 = I12`, `$priority in (URGENT, TWO_WEEK_WAIT)`,
 * `ZRF-2 exists`, `not (…)`. Left operands are input paths or `$name` (an earlier logical
 * input); `and` binds tighter than `or`. Throws PathError with a 1-based column.
 */
export function compileCondition(
  kind: InputKind,
  text: string,
  known: ReadonlySet<string>,
): Condition {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const endColumn = text.length + 1;
  const expect = (what: string): Token => {
    const t = tokens[i++];
    if (t === undefined) throw new PathError(`expected ${what} at end of condition`, endColumn);
    return t;
  };
  const literal = (t: Token): string => (/^['"]/.test(t.text) ? t.text.slice(1, -1) : t.text);

  const operand = (t: Token): Operand => {
    if (t.text.startsWith('$')) {
      const name = t.text.slice(1);
      if (!known.has(name)) throw new PathError(`$${name} is not an earlier input`, t.column);
      return (s) => toStrings(s.values[name]);
    }
    try {
      const acc = compileAccessor(kind, t.text);
      return (s) => acc.values(s.input);
    } catch (error) {
      if (error instanceof PathError)
        throw new PathError(error.message, t.column + error.column - 1);
      throw error;
    }
  };

  const atom = (): Condition => {
    const t = expect('a condition');
    if (t.text === 'not') {
      const inner = atom();
      return (s) => !inner(s);
    }
    if (t.text === '(') {
      const inner = or();
      if (expect('")"').text !== ')')
        throw new PathError('expected ")"', tokens[i - 1]?.column ?? endColumn);
      return inner;
    }
    const left = operand(t);
    const op = expect('an operator (=, !=, in, exists, empty)');
    switch (op.text) {
      case 'exists':
        return (s) => left(s).length > 0;
      case 'empty':
        return (s) => left(s).length === 0;
      case '=':
      case '!=': {
        const want = literal(expect('a value'));
        return op.text === '=' ? (s) => left(s).includes(want) : (s) => !left(s).includes(want);
      }
      case 'in': {
        if (expect('"("').text !== '(') throw new PathError('expected "(" after in', op.column + 3);
        const list: string[] = [];
        for (;;) {
          list.push(literal(expect('a value')));
          const sep = expect('"," or ")"');
          if (sep.text === ')') break;
          if (sep.text !== ',') throw new PathError('expected "," or ")"', sep.column);
        }
        return (s) => left(s).some((v) => list.includes(v));
      }
      default:
        throw new PathError(`unknown operator "${op.text}"`, op.column);
    }
  };

  const and = (): Condition => {
    const parts = [atom()];
    while (peek()?.text === 'and') {
      i++;
      parts.push(atom());
    }
    const [only] = parts;
    if (parts.length === 1 && only) return only;
    return (s) => {
      for (const p of parts) if (!p(s)) return false;
      return true;
    };
  };
  const or = (): Condition => {
    const parts = [and()];
    while (peek()?.text === 'or') {
      i++;
      parts.push(and());
    }
    const [only] = parts;
    if (parts.length === 1 && only) return only;
    return (s) => {
      for (const p of parts) if (p(s)) return true;
      return false;
    };
  };

  const result = or();
  const rest = peek();
  if (rest !== undefined) throw new PathError(`unexpected "${rest.text}"`, rest.column);
  return result;
}

export function toStrings(v: unknown): string[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.flatMap(toStrings);
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  return [JSON.stringify(v)];
}
