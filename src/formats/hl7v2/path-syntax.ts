/**
 * The grammar of HL7 paths, as mapping authors write them:
 *
 *   PID-3            field 3 of the first PID, first repetition
 *   PID-3.1          component 1           PID-3.1.2   sub-component 2
 *   PID-3[2].1       repetition 2 (1-based) PID-3[*].1 every repetition
 *   PID-3[CX.5=NH].1 repetitions whose component 5 is NH (the type name is optional: [5=NH])
 *   OBX[*]-5         every OBX             OBX[2]-5     the second OBX
 */
export interface Hl7RepetitionFilter {
  readonly typeName?: string;
  readonly component: number;
  readonly subcomponent?: number;
  readonly value: string;
}

export interface Hl7PathSpec {
  readonly segment: string;
  /** 1-based occurrence, or every occurrence. */
  readonly occurrence: number | '*';
  readonly field?: number;
  readonly repetition: number | '*' | Hl7RepetitionFilter;
  readonly component?: number;
  readonly subcomponent?: number;
}

/** A path that does not follow the grammar; `column` is 1-based. */
export class Hl7PathSyntaxError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly column: number,
  ) {
    super(`${message} at column ${column} of "${source}"`);
    this.name = 'Hl7PathSyntaxError';
  }
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}
  peek(): string {
    return this.src.charAt(this.pos);
  }
  done(): boolean {
    return this.pos >= this.src.length;
  }
  fail(message: string, at = this.pos): never {
    throw new Hl7PathSyntaxError(message, this.src, at + 1);
  }
  expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }
  /** A positive integer. */
  int(what: string): number {
    const m = /^[0-9]+/.exec(this.src.slice(this.pos));
    if (m === null) this.fail(`expected a ${what} number`);
    const n = Number(m[0]);
    if (n < 1) this.fail(`${what} numbers start at 1`);
    this.pos += m[0].length;
    return n;
  }
}

function readIndex(r: Reader, what: string): number | '*' {
  r.expect('[');
  let value: number | '*';
  if (r.peek() === '*') {
    r.pos++;
    value = '*';
  } else value = r.int(what);
  r.expect(']');
  return value;
}

function readFilterValue(r: Reader): string {
  const q = r.peek();
  if (q === '"' || q === "'") {
    const end = r.src.indexOf(q, r.pos + 1);
    if (end === -1) r.fail('unterminated quoted value');
    const v = r.src.slice(r.pos + 1, end);
    r.pos = end + 1;
    return v;
  }
  const end = r.src.indexOf(']', r.pos);
  if (end === -1) r.fail('expected "]"', r.src.length);
  const v = r.src.slice(r.pos, end);
  r.pos = end;
  return v;
}

function readRepetition(r: Reader): number | '*' | Hl7RepetitionFilter {
  const rest = r.src.slice(r.pos + 1);
  if (!/^[^\]]*=/.test(rest)) return readIndex(r, 'repetition');
  r.expect('[');
  const type = /^([A-Z][A-Z0-9]{1,3})\./.exec(r.src.slice(r.pos));
  if (type !== null) r.pos += type[0].length;
  const component = r.int('component');
  let subcomponent: number | undefined;
  if (r.peek() === '.') {
    r.pos++;
    subcomponent = r.int('sub-component');
  }
  if (r.peek() !== '=') r.fail('expected "=" in a repetition filter');
  r.pos++;
  const value = readFilterValue(r);
  r.expect(']');
  return {
    ...(type === null ? {} : { typeName: type[1] as string }),
    component,
    ...(subcomponent === undefined ? {} : { subcomponent }),
    value,
  };
}

export function parseHl7PathSpec(source: string): Hl7PathSpec {
  const r = new Reader(source);
  const seg = /^[A-Z][A-Z0-9]{2}/.exec(source);
  if (seg === null) return r.fail('expected a segment id such as PID');
  r.pos = 3;
  const occurrence = r.peek() === '[' ? readIndex(r, 'segment occurrence') : 1;
  if (r.done()) return { segment: seg[0], occurrence, repetition: 1 };
  r.expect('-');
  const field = r.int('field');
  const repetition = r.peek() === '[' ? readRepetition(r) : 1;
  let component: number | undefined;
  let subcomponent: number | undefined;
  if (r.peek() === '.') {
    r.pos++;
    component = r.int('component');
    if (r.peek() === '.') {
      r.pos++;
      subcomponent = r.int('sub-component');
    }
  }
  if (!r.done()) r.fail(`unexpected "${r.peek()}"`);
  return {
    segment: seg[0],
    occurrence,
    field,
    repetition,
    ...(component === undefined ? {} : { component }),
    ...(subcomponent === undefined ? {} : { subcomponent }),
  };
}
