/**
 * A tiny assembler for the subset of the WebAssembly text format (WAT) that the vector kernels
 * (kernels.ts) are written in, so the kernels ship as readable source with no build step and no
 * dependency (a full toolchain such as wabt would be one). The output is byte-for-byte what wabt's
 * wat2wasm emits for the same text (checked when the kernels were written).
 *
 * Accepted: a module of `(func $name (export "name") (param $p t)* (result t)? (local $l t)* instr*)`
 * forms over one imported memory ("env" "memory"); instructions only in folded form `(op imm* operand*)`;
 * `(block $l …)` and `(loop $l …)` with labelled `br`/`br_if`. Types: i32, f64, v128. Anything else is
 * an error naming the token, so a typo fails loudly at module load (and in the tests), never silently.
 */

type SExpr = string | SExpr[];

const TYPE: Record<string, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

/** Plain opcodes (no immediates). Values: the opcode bytes, SIMD ones with their 0xfd prefix. */
const PLAIN: Record<string, number[]> = {
  'i32.eqz': [0x45],
  'i32.lt_s': [0x48],
  'i32.lt_u': [0x49],
  'i32.ge_u': [0x4f],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.shl': [0x74],
  'f64.add': [0xa0],
  'f64.mul': [0xa2],
  'f64x2.splat': simd(20),
  'f32x4.demote_f64x2_zero': simd(94),
  'f64x2.promote_low_f32x4': simd(95),
  'f64x2.add': simd(240),
  'f64x2.sub': simd(241),
  'f64x2.mul': simd(242),
};

/** Memory instructions and their natural alignment (log2 bytes). */
const MEMORY: Record<string, { op: number[]; align: number }> = {
  'i32.load': { op: [0x28], align: 2 },
  'f64.load': { op: [0x2b], align: 3 },
  'f64.store': { op: [0x39], align: 3 },
  'v128.load': { op: simd(0), align: 4 },
  'v128.load64_splat': { op: simd(10), align: 3 },
  'v128.load64_zero': { op: simd(93), align: 3 },
  'v128.store': { op: simd(11), align: 4 },
};

function simd(code: number): number[] {
  return [0xfd, ...uleb(code)];
}

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function parse(text: string): SExpr[] {
  const tokens = text.replace(/;;[^\n]*/g, ' ').match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  const stack: SExpr[][] = [[]];
  for (const t of tokens) {
    if (t === '(') {
      const list: SExpr[] = [];
      stack[stack.length - 1].push(list);
      stack.push(list);
    } else if (t === ')') {
      if (stack.length === 1) throw new SyntaxError('wat: unbalanced )');
      stack.pop();
    } else {
      stack[stack.length - 1].push(t);
    }
  }
  if (stack.length !== 1) throw new SyntaxError('wat: unbalanced (');
  return stack[0];
}

interface Func {
  name: string;
  exportName?: string;
  params: number[];
  results: number[];
  locals: number[];
  index: Map<string, number>;
  body: SExpr[];
}

function head(e: SExpr): string | undefined {
  return Array.isArray(e) && typeof e[0] === 'string' ? e[0] : undefined;
}

function readFunc(form: SExpr[]): Func {
  if (form[0] !== 'func' || typeof form[1] !== 'string') throw new SyntaxError(`wat: expected (func $name …), got ${JSON.stringify(form).slice(0, 60)}`);
  const f: Func = { name: form[1], params: [], results: [], locals: [], index: new Map(), body: [] };
  let i = 2;
  const type = (t: SExpr): number => {
    const code = typeof t === 'string' ? TYPE[t] : undefined;
    if (code === undefined) throw new SyntaxError(`wat: unknown type ${String(t)} in ${f.name}`);
    return code;
  };
  for (; i < form.length; i++) {
    const e = form[i];
    const h = head(e);
    if (!Array.isArray(e) || (h !== 'export' && h !== 'param' && h !== 'result' && h !== 'local')) break;
    if (h === 'export') f.exportName = String(e[1]).replace(/"/g, '');
    else if (h === 'result') f.results.push(type(e[1]));
    else {
      const name = String(e[1]);
      if (f.index.has(name)) throw new SyntaxError(`wat: duplicate local ${name} in ${f.name}`);
      // Params come first in the index space, then locals, in the order written (params first).
      f.index.set(name, f.index.size);
      (h === 'param' ? f.params : f.locals).push(type(e[2]));
    }
  }
  f.body = form.slice(i);
  return f;
}

/** Encodes one folded instruction (operands first, then the operator and its immediates). */
function emit(e: SExpr, f: Func, labels: string[], out: number[]): void {
  if (!Array.isArray(e) || typeof e[0] !== 'string') throw new SyntaxError(`wat: expected a folded instruction in ${f.name}, got ${JSON.stringify(e)}`);
  const op = e[0];
  const args = e.slice(1);
  if (op === 'block' || op === 'loop') {
    const label = String(args[0]);
    out.push(op === 'block' ? 0x02 : 0x03, 0x40);
    labels.push(label);
    for (const x of args.slice(1)) emit(x, f, labels, out);
    labels.pop();
    out.push(0x0b);
    return;
  }
  if (op === 'br' || op === 'br_if') {
    const depth = labels.length - 1 - labels.lastIndexOf(String(args[0]));
    if (depth >= labels.length) throw new SyntaxError(`wat: unknown label ${String(args[0])} in ${f.name}`);
    for (const x of args.slice(1)) emit(x, f, labels, out);
    out.push(op === 'br' ? 0x0c : 0x0d, ...uleb(depth));
    return;
  }
  if (op === 'local.get' || op === 'local.set' || op === 'local.tee') {
    const idx = f.index.get(String(args[0]));
    if (idx === undefined) throw new SyntaxError(`wat: unknown local ${String(args[0])} in ${f.name}`);
    for (const x of args.slice(1)) emit(x, f, labels, out);
    out.push({ 'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22 }[op], ...uleb(idx));
    return;
  }
  if (op === 'i32.const') {
    out.push(0x41, ...sleb(Number(args[0])));
    return;
  }
  if (op === 'f64.const') {
    const b = new Uint8Array(new Float64Array([Number(args[0])]).buffer);
    out.push(0x44, ...b);
    return;
  }
  if (op === 'i8x16.shuffle') {
    const lanes = args.slice(0, 16).map(Number);
    if (lanes.length !== 16 || lanes.some((l) => !(l >= 0 && l < 32))) throw new SyntaxError(`wat: i8x16.shuffle needs 16 lanes in ${f.name}`);
    for (const x of args.slice(16)) emit(x, f, labels, out);
    out.push(...simd(13), ...lanes);
    return;
  }
  if (op === 'memory.copy') {
    for (const x of args) emit(x, f, labels, out);
    out.push(0xfc, ...uleb(10), 0x00, 0x00);
    return;
  }
  const mem = MEMORY[op];
  if (mem) {
    let offset = 0;
    let rest = args;
    while (typeof rest[0] === 'string' && /^(offset|align)=/.test(rest[0])) {
      const [key, value] = (rest[0] as string).split('=');
      if (key === 'align') throw new SyntaxError(`wat: explicit align= is not supported (${f.name}); natural alignment is used`);
      offset = Number(value);
      rest = rest.slice(1);
    }
    for (const x of rest) emit(x, f, labels, out);
    out.push(...mem.op, mem.align, ...uleb(offset));
    return;
  }
  const plain = PLAIN[op];
  if (!plain) throw new SyntaxError(`wat: unsupported instruction ${op} in ${f.name}`);
  for (const x of args) emit(x, f, labels, out);
  out.push(...plain);
}

function localsDecl(types: number[]): number[] {
  // Runs of equal types, as wat2wasm groups them.
  const runs: number[][] = [];
  for (const t of types) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return vec(runs.map(([count, t]) => [...uleb(count), t]));
}

/** Assembles the module text into a binary (imports memory "env" "memory", min 1 page, no maximum). */
export function assembleWat(text: string): Uint8Array {
  const top = parse(text);
  const moduleForm = top.length === 1 && head(top[0]) === 'module' ? (top[0] as SExpr[]).slice(1) : top;
  const funcs = moduleForm.filter((e) => head(e) === 'func').map((e) => readFunc(e as SExpr[]));
  if (moduleForm.some((e) => head(e) !== 'func' && head(e) !== 'memory')) throw new SyntaxError('wat: only func and the imported memory are supported');
  // One entry per distinct signature, in order of first use (as wat2wasm numbers them).
  const types: number[][] = [];
  const typeOf = funcs.map((f) => {
    const t = [0x60, ...vec(f.params.map((x) => [x])), ...vec(f.results.map((x) => [x]))];
    const key = t.join(',');
    const found = types.findIndex((u) => u.join(',') === key);
    if (found >= 0) return found;
    types.push(t);
    return types.length - 1;
  });
  const importMemory = [...utf8('env'), ...utf8('memory'), 0x02, 0x00, ...uleb(1)];
  const code = funcs.map((f) => {
    const body: number[] = [...localsDecl(f.locals)];
    for (const e of f.body) emit(e, f, [], body);
    body.push(0x0b);
    return [...uleb(body.length), ...body];
  });
  const exports = funcs.flatMap((f, i) => (f.exportName ? [[...utf8(f.exportName), 0x00, ...uleb(i)]] : []));
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([importMemory])),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...section(7, vec(exports)),
    ...section(10, vec(code)),
  ]);
}
