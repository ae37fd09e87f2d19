import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/**
 * Enough of Prometheus to render the shipped dashboard and alert rules against real scrapes of the app
 * (server/metrics/dashboard-live.test.ts): the Prometheus project's own PromQL grammar
 * (@prometheus-io/lezer-promql) parses; this evaluates selectors with their matchers, rate / irate /
 * increase between two scrapes (counter resets handled; range length and offset ignored: two scrapes are
 * the whole range), vector(), histogram_quantile (Prometheus's linear interpolation within a bucket), clamp_min /
 * clamp_max / abs, the aggregations sum / min / max / avg / count / topk / bottomk with by / without, and
 * binary operators (arithmetic, comparisons with and without `bool`, and / or / unless) with one-to-one
 * matching on all labels. Anything else throws, so a dashboard never silently shows what this cannot.
 * Like Prometheus it puts `job` and `instance` on every scraped series.
 */
export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels;
  value: number;
}
export interface Scrape {
  /** Seconds. */
  at: number;
  samples: Sample[];
}
export type Value = { kind: 'vector'; samples: Sample[] } | { kind: 'scalar'; value: number };

/** The Prometheus text format into samples (`__name__` among the labels), with the target's labels added. */
export function parseExposition(text: string, target: Labels, at = Date.now() / 1000): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Labels = { ...target, __name__: m[1]! };
    for (const [, k, v] of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k!] = v!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ labels, value: m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]) });
  }
  return { at, samples };
}

/** Evaluates `expr` at the later scrape; rates over the two. `vars`: Grafana's $variables, as regexes. */
export function evaluate(
  expr: string,
  scrapes: { earlier: Scrape; now: Scrape },
  vars: Record<string, string> = {},
): Value {
  const text = expr.replace(/\$(\w+)/g, (all, v: string) => vars[v] ?? all);
  const tree = parser.parse(text);
  let bad = null as string | null; // set in the callback, which narrowing does not see
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) bad ??= `syntax error at ${n.from}`;
    },
  });
  if (bad) throw new Error(`${bad}: ${text}`);
  const root = tree.topNode.firstChild;
  if (!root) throw new Error(`empty expression: ${text}`);
  return new Evaluator(text, scrapes).eval(root);
}

const children = (n: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};

class Evaluator {
  constructor(
    private readonly text: string,
    private readonly scrapes: { earlier: Scrape; now: Scrape },
  ) {}

  private src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  eval(n: SyntaxNode): Value {
    switch (n.name) {
      case 'ParenExpr':
        return this.eval(children(n)[0]!);
      case 'NumberDurationLiteral':
        return { kind: 'scalar', value: Number(this.src(n)) };
      case 'VectorSelector':
        return { kind: 'vector', samples: this.select(n, this.scrapes.now) };
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      case 'BinaryExpr':
        return this.binary(n);
      default:
        throw new Error(`unsupported PromQL node ${n.name}: ${this.src(n)}`);
    }
  }

  private select(n: SyntaxNode, scrape: Scrape): Sample[] {
    const name = n.getChild('Identifier');
    const matchers = (n.getChild('LabelMatchers') ? children(n.getChild('LabelMatchers')!) : []).map((m) => {
      const [label, op, value] = children(m);
      const v = JSON.parse(this.src(value!)) as string;
      return { label: this.src(label!), op: this.src(op!), v, re: new RegExp(`^(?:${v})$`) };
    });
    if (name) matchers.push({ label: '__name__', op: '=', v: this.src(name), re: /./ });
    return scrape.samples.filter((s) =>
      matchers.every((m) => {
        const have = s.labels[m.label] ?? '';
        if (m.op === '=') return have === m.v;
        if (m.op === '!=') return have !== m.v;
        if (m.op === '=~') return m.re.test(have);
        if (m.op === '!~') return !m.re.test(have);
        throw new Error(`unsupported matcher ${m.op}`);
      }),
    );
  }

  /** rate / increase over the two scrapes: the selector of a MatrixSelector, possibly under `offset`. */
  private range(n: SyntaxNode, fn: string): Sample[] {
    const matrix = n.name === 'OffsetExpr' ? n.getChild('MatrixSelector') : n;
    if (!matrix || matrix.name !== 'MatrixSelector') throw new Error(`${fn} needs a range vector: ${this.src(n)}`);
    const selector = matrix.getChild('VectorSelector')!;
    const before = new Map(this.select(selector, this.scrapes.earlier).map((s) => [key(s.labels), s.value]));
    const seconds = this.scrapes.now.at - this.scrapes.earlier.at;
    const out: Sample[] = [];
    for (const s of this.select(selector, this.scrapes.now)) {
      const was = before.get(key(s.labels));
      if (was === undefined) continue; // one point is no range
      const increase = s.value >= was ? s.value - was : s.value; // a counter reset
      out.push({ labels: dropName(s.labels), value: fn === 'increase' ? increase : increase / seconds });
    }
    return out;
  }

  private call(n: SyntaxNode): Value {
    const fn = this.src(n.getChild('FunctionIdentifier')!);
    const args = children(n.getChild('FunctionCallBody')!);
    if (fn === 'rate' || fn === 'irate' || fn === 'increase')
      return { kind: 'vector', samples: this.range(args[0]!, fn) };
    if (fn === 'histogram_quantile') {
      const q = this.scalar(args[0]!);
      return { kind: 'vector', samples: histogramQuantile(q, this.vector(args[1]!)) };
    }
    if (fn === 'vector') return { kind: 'vector', samples: [{ labels: {}, value: this.scalar(args[0]!) }] };
    if (fn === 'clamp_min' || fn === 'clamp_max' || fn === 'abs') {
      const v = this.vector(args[0]!);
      const bound = fn === 'abs' ? 0 : this.scalar(args[1]!);
      const f =
        fn === 'clamp_min'
          ? (x: number) => Math.max(x, bound)
          : fn === 'clamp_max'
            ? (x: number) => Math.min(x, bound)
            : Math.abs;
      return { kind: 'vector', samples: v.map((s) => ({ labels: dropName(s.labels), value: f(s.value) })) };
    }
    throw new Error(`unsupported function ${fn}`);
  }

  private aggregate(n: SyntaxNode): Value {
    const op = this.src(n.getChild('AggregateOp')!);
    const modifier = n.getChild('AggregateModifier');
    const grouping = modifier ? children(modifier.getChild('GroupingLabels')!).map((l) => this.src(l)) : [];
    const without = Boolean(modifier?.getChild('Without'));
    const args = children(n.getChild('FunctionCallBody')!);
    const param = op === 'topk' || op === 'bottomk' ? this.scalar(args[0]!) : null;
    const input = this.vector(args[param === null ? 0 : 1]!);
    if (param !== null) {
      const sorted = [...input].sort((a, b) => (op === 'topk' ? b.value - a.value : a.value - b.value));
      return { kind: 'vector', samples: sorted.slice(0, param) };
    }
    const groups = new Map<string, { labels: Labels; values: number[] }>();
    for (const s of input) {
      const labels: Labels = {};
      for (const [k, v] of Object.entries(s.labels)) {
        if (k === '__name__') continue;
        if (without ? !grouping.includes(k) : grouping.includes(k)) labels[k] = v;
      }
      const g = groups.get(key(labels)) ?? { labels, values: [] };
      g.values.push(s.value);
      groups.set(key(labels), g);
    }
    const f: Record<string, (v: number[]) => number> = {
      sum: (v) => v.reduce((a, b) => a + b, 0),
      max: (v) => Math.max(...v),
      min: (v) => Math.min(...v),
      avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
      count: (v) => v.length,
    };
    if (!f[op]) throw new Error(`unsupported aggregation ${op}`);
    return {
      kind: 'vector',
      samples: [...groups.values()].map((g) => ({ labels: g.labels, value: f[op]!(g.values) })),
    };
  }

  private binary(n: SyntaxNode): Value {
    const [lhsNode, opNode, ...rest] = children(n);
    const boolMod = rest.some((c) => c.name === 'BoolModifier' || this.src(c) === 'bool');
    const rhsNode = rest[rest.length - 1]!;
    const op = this.src(opNode!);
    const lhs = this.eval(lhsNode!);
    const rhs = this.eval(rhsNode);
    if (op === 'and' || op === 'or' || op === 'unless') {
      if (lhs.kind !== 'vector' || rhs.kind !== 'vector') throw new Error(`${op} needs vectors`);
      const right = new Set(rhs.samples.map((s) => key(dropName(s.labels))));
      if (op === 'and')
        return { kind: 'vector', samples: lhs.samples.filter((s) => right.has(key(dropName(s.labels)))) };
      if (op === 'unless')
        return { kind: 'vector', samples: lhs.samples.filter((s) => !right.has(key(dropName(s.labels)))) };
      const left = new Set(lhs.samples.map((s) => key(dropName(s.labels))));
      return {
        kind: 'vector',
        samples: [...lhs.samples, ...rhs.samples.filter((s) => !left.has(key(dropName(s.labels))))],
      };
    }
    const compare = ['>', '<', '>=', '<=', '==', '!='].includes(op);
    const apply = (a: number, b: number): number => {
      switch (op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '>':
          return Number(a > b);
        case '<':
          return Number(a < b);
        case '>=':
          return Number(a >= b);
        case '<=':
          return Number(a <= b);
        case '==':
          return Number(a === b);
        case '!=':
          return Number(a !== b);
        default:
          throw new Error(`unsupported operator ${op}`);
      }
    };
    if (lhs.kind === 'scalar' && rhs.kind === 'scalar') return { kind: 'scalar', value: apply(lhs.value, rhs.value) };
    const pairs: { labels: Labels; a: number; b: number; keep: number }[] = [];
    if (lhs.kind === 'vector' && rhs.kind === 'scalar') {
      for (const s of lhs.samples) pairs.push({ labels: s.labels, a: s.value, b: rhs.value, keep: s.value });
    } else if (lhs.kind === 'scalar' && rhs.kind === 'vector') {
      for (const s of rhs.samples) pairs.push({ labels: s.labels, a: lhs.value, b: s.value, keep: s.value });
    } else if (lhs.kind === 'vector' && rhs.kind === 'vector') {
      const right = new Map(rhs.samples.map((s) => [key(dropName(s.labels)), s]));
      for (const s of lhs.samples) {
        const r = right.get(key(dropName(s.labels)));
        if (r) pairs.push({ labels: s.labels, a: s.value, b: r.value, keep: s.value });
      }
    }
    const samples: Sample[] = [];
    for (const p of pairs) {
      const v = apply(p.a, p.b);
      if (compare && !boolMod) {
        if (v) samples.push({ labels: p.labels, value: p.keep });
      } else samples.push({ labels: dropName(p.labels), value: v });
    }
    return { kind: 'vector', samples };
  }

  private vector(n: SyntaxNode): Sample[] {
    const v = this.eval(n);
    if (v.kind !== 'vector') throw new Error(`expected a vector: ${this.src(n)}`);
    return v.samples;
  }

  private scalar(n: SyntaxNode): number {
    const v = this.eval(n);
    if (v.kind !== 'scalar') throw new Error(`expected a number: ${this.src(n)}`);
    return v.value;
  }
}

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function dropName(labels: Labels): Labels {
  const { __name__: _, ...rest } = labels;
  return rest;
}

/** Prometheus's histogram_quantile: buckets by `le`, linear interpolation within the bucket the rank falls in. */
function histogramQuantile(q: number, buckets: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; b: { le: number; v: number }[] }>();
  for (const s of buckets) {
    const { le, ...labels } = dropName(s.labels);
    if (le === undefined) continue;
    const g = groups.get(key(labels)) ?? { labels, b: [] };
    g.b.push({ le: le === '+Inf' ? Infinity : Number(le), v: s.value });
    groups.set(key(labels), g);
  }
  return [...groups.values()].map(({ labels, b }) => {
    b.sort((x, y) => x.le - y.le);
    const total = b[b.length - 1]?.v ?? 0;
    if (b.length < 2 || b[b.length - 1]!.le !== Infinity || total === 0) return { labels, value: NaN };
    const rank = q * total;
    const i = b.findIndex((x) => x.v >= rank);
    if (b[i]!.le === Infinity) return { labels, value: b[b.length - 2]!.le };
    const lowerLe = i === 0 ? 0 : b[i - 1]!.le;
    const lowerCount = i === 0 ? 0 : b[i - 1]!.v;
    const inBucket = b[i]!.v - lowerCount;
    const value = inBucket === 0 ? lowerLe : lowerLe + ((b[i]!.le - lowerLe) * (rank - lowerCount)) / inBucket;
    return { labels, value };
  });
}
