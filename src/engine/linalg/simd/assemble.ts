/**
 * A tiny assembler for the subset of the WebAssembly text format (WAT) that the vector kernels
 * (kernels.ts) are written in, so the kernels ship as readable source with no build step and no
 * dependency (a full toolchain such as wabt would be one). The output is byte-for-byte what wabt's
 * wat2wasm emits for the same text (checked when the kernels were written).
 *
 * Accepted: a module of `(func $name (export "name") (param $p t)* (result t)? (local $l t)* instr*)`
 * forms over one imported memory ("env" "memory"); instructions only in folded form `(op imm* operand*)`;
 * `(block $l …)` and `(loop $l …)` with labelled `br`/`br_if`; `(v128.const i32x4|i64x2|f64x2 …)`.
 * Types: i32, f64, v128. Anything else is an error naming the token, so a typo fails loudly at module
 * load (and in the tests), never silently.
 *
 * The memory is imported either plain (min 1 page, no maximum) or shared (min 1, maximum 65536 pages,
 * the wasm32 limit): a module must declare the sharedness of the memory it imports, and a threaded
 * Emscripten build (tfjs-backend-wasm-threaded-simd) creates its heap shared.
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
  'i32.and': [0x71],
  'i32.shl': [0x74],
  'f64.add': [0xa0],
  'f64.mul': [0xa2],
  'f64x2.splat': simd(20),
  'f32x4.eq': simd(65),
  'f32x4.ne': simd(66),
  'f32x4.lt': simd(67),
  'f32x4.gt': simd(68),
  'f32x4.le': simd(69),
  'f32x4.ge': simd(70),
  'f64x2.eq': simd(71),
  'f64x2.ne': simd(72),
  'f64x2.lt': simd(73),
  'f64x2.gt': simd(74),
  'f64x2.le': simd(75),
  'f64x2.ge': simd(76),
  'v128.not': simd(77),
  'v128.and': simd(78),
  'v128.andnot': simd(79),
  'v128.or': simd(80),
  'v128.xor': simd(81),
  'v128.bitselect': simd(82),
  'v128.any_true': simd(83),
  'f32x4.demote_f64x2_zero': simd(94),
  'f64x2.promote_low_f32x4': simd(95),
  'f64x2.floor': simd(117),
  'f64x2.nearest': simd(148),
  'i64x2.shl': simd(203),
  'i64x2.shr_s': simd(204),
  'i64x2.shr_u': simd(205),
  'i64x2.add': simd(206),
  'i64x2.sub': simd(209),
  'f32x4.abs': simd(224),
  'f32x4.neg': simd(225),
  'f32x4.add': simd(228),
  'f32x4.sub': simd(229),
  'f32x4.mul': simd(230),
  'f32x4.pmin': simd(234),
  'f32x4.pmax': simd(235),
  'f64x2.abs': simd(236),
  'f64x2.neg': simd(237),
  'f64x2.sqrt': simd(239),
  'f64x2.add': simd(240),
  'f64x2.sub': simd(241),
  'f64x2.mul': simd(242),
  'f64x2.div': simd(243),
  'f64x2.min': simd(244),
  'f64x2.max': simd(245),
  'f64x2.pmin': simd(246),
  'f64x2.pmax': simd(247),
  'i32x4.trunc_sat_f64x2_s_zero': simd(252),
  'f64x2.convert_low_i32x4_s': simd(254),
};

/** Memory instructions and their natural alignment (log2 bytes). */
const MEMORY: Record<string, { op: number[]; align: number }> = {
  'i32.load': { op: [0x28], align: 2 },
  'f64.load': { op: [0x2b], align: 3 },
  'f64.store': { op: [0x39], align: 3 },
  'v128.load': { op: simd(0), align: 4 },
  'v128.load64_splat': { op: simd(10), align: 3 },
  'v128.load32_zero': { op: simd(92), align: 2 },
  'v128.load64_zero': { op: simd(93), align: 3 },
  'v128.store': { op: simd(11), align: 4 },
};

/** Stores of one lane (`(v128.store32_lane offset=… LANE addr vec)`): a memory argument, then the lane. */
const STORE_LANE: Record<string, { op: number[]; align: number; lanes: number }> = {
  'v128.store32_lane': { op: simd(90), align: 2, lanes: 4 },
  'v128.store64_lane': { op: simd(91), align: 3, lanes: 2 },
};

/** Lane shapes of `v128.const`: lane count and the little-endian writer of one lane. */
const CONST_SHAPES: Record<string, { lanes: number; write: (view: DataView, lane: number, text: string) => void }> = {
  i32x4: { lanes: 4, write: (v, i, t) => v.setInt32(4 * i, Number(t) | 0, true) },
  i64x2: { lanes: 2, write: (v, i, t) => v.setBigInt64(8 * i, BigInt.asIntN(64, BigInt(t)), true) },
  f32x4: { lanes: 4, write: (v, i, t) => v.setFloat32(4 * i, Number(t), true) },
  f64x2: { lanes: 2, write: (v, i, t) => v.setFloat64(8 * i, Number(t), true) },
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
  if (op === 'v128.const') {
    const shape = CONST_SHAPES[String(args[0])];
    const lanes = args.slice(1);
    if (!shape || lanes.length !== shape.lanes || lanes.some((l) => typeof l !== 'string' || !isNumber(l))) {
      throw new SyntaxError(`wat: v128.const needs a shape (${Object.keys(CONST_SHAPES).join(', ')}) and its lanes in ${f.name}, got ${JSON.stringify(args)}`);
    }
    const bytes = new DataView(new ArrayBuffer(16));
    lanes.forEach((l, i) => shape.write(bytes, i, l as string));
    out.push(...simd(12), ...new Uint8Array(bytes.buffer));
    return;
  }
  const lane = STORE_LANE[op];
  if (lane) {
    const [offset, rest] = memarg(args, f);
    const index = Number(rest[0]);
    if (!(Number.isInteger(index) && index >= 0 && index < lane.lanes)) throw new SyntaxError(`wat: ${op} needs a lane below ${lane.lanes} in ${f.name}`);
    for (const x of rest.slice(1)) emit(x, f, labels, out);
    out.push(...lane.op, lane.align, ...uleb(offset), index);
    return;
  }
  if (op === 'memory.copy') {
    for (const x of args) emit(x, f, labels, out);
    out.push(0xfc, ...uleb(10), 0x00, 0x00);
    return;
  }
  const mem = MEMORY[op];
  if (mem) {
    const [offset, rest] = memarg(args, f);
    for (const x of rest) emit(x, f, labels, out);
    out.push(...mem.op, mem.align, ...uleb(offset));
    return;
  }
  const plain = PLAIN[op];
  if (!plain) throw new SyntaxError(`wat: unsupported instruction ${op} in ${f.name}`);
  for (const x of args) emit(x, f, labels, out);
  out.push(...plain);
}

/** The `offset=` of a memory instruction (0 when absent) and the arguments after it. */
function memarg(args: SExpr[], f: Func): [number, SExpr[]] {
  let offset = 0;
  let rest = args;
  while (typeof rest[0] === 'string' && /^(offset|align)=/.test(rest[0])) {
    const [key, value] = (rest[0] as string).split('=');
    if (key === 'align') throw new SyntaxError(`wat: explicit align= is not supported (${f.name}); natural alignment is used`);
    offset = Number(value);
    rest = rest.slice(1);
  }
  return [offset, rest];
}

function isNumber(text: string): boolean {
  return /^-?(0x[0-9a-f]+|\d+(\.\d*)?(e[-+]?\d+)?|Infinity)$/i.test(text);
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

export interface AssembleOptions {
  /** Import the memory as shared (maximum 65536 pages), for a threaded build's heap. Default false. */
  readonly sharedMemory?: boolean;
}

/** Assembles the module text into a binary (imports memory "env" "memory": see the header for its limits). */
export function assembleWat(text: string, options: AssembleOptions = {}): Uint8Array {
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
  // Limits: flag 0x00 = min only; 0x03 = shared, min and max.
  const limits = options.sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const importMemory = [...utf8('env'), ...utf8('memory'), 0x02, ...limits];
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
