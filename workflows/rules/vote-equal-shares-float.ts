// Fast reruns of the Method of Equal Shares for Add1 (workflows/rules/vote.ts): the same rounds as the
// exact run, in floating point, where every decision carries a proof that the exact run takes it too.
//
// Add1 reruns MES hundreds of times and needs only which projects each rerun selects, in which order. The
// exact run (BigInt numerators over a common denominator that grows by up to a factor n per round) is
// slow for 100,000 ballots; doubles are fast but round. Here every budget is an interval of doubles that
// holds the exact budget (interval arithmetic, rounded outwards), and a decision is taken only when the
// intervals make it certain: whether a project is affordable, which project has the least payment per
// unit of utility. When a decision is too close to call (exact ties, a total that equals the cost), the
// run gives up and returns null, and the caller runs the exact MES instead. So a returned selection is
// always the exact run's selection.
//
// The same proof covers a range of starting budgets at once: start every voter with the interval
// [low, high] and every exact run starting from a budget in it makes the selection returned. Add1 uses
// it to prove many reruns in one (the selection changes only at a few of the budgets it tries).
//
// Why intervals suffice: a project's ρ is the root of F(ρ) = Σ weight × min(budget, ρ) − cost, which
// grows with ρ and with every budget, so budgets at their lower (upper) ends give an upper (lower) bound
// of ρ; paying min(budget, ρ) leaves max(0, budget − ρ), bounded by the ends. Rounding: each double
// operation errs by at most U × |result| (U = 2^-52, twice the unit roundoff), and every bound is widened
// by SAFETY times the worst rounding of the sums that made it.
//
// Pure and deterministic: IEEE-754 doubles give the same results everywhere; no clock, no randomness, no I/O.

/** The MES instance as the float run needs it; project index = place in the tie order (0 first). */
export interface FloatMesInput {
  /** Per project, its cost in roubles. */
  readonly realCosts: readonly number[];
  /** Per project, a supporter's utility: 1 (approval utilities) or its cost (cost utilities). */
  readonly realUtility: readonly number[];
  /** Per project, the voter groups approving it. */
  readonly supporters: readonly (readonly number[])[];
  /** Per group, how many voters cast its ballot. */
  readonly weights: readonly number[];
  /** The projects MES can select. */
  readonly selectable: readonly number[];
}

/**
 * The selection, in order, that the exact MES makes for EVERY per-voter budget from low / n to high / n
 * (numerators of budgets over n, safe integers), or null when this run cannot prove that one selection
 * (some decision is too close to call, or differs within the range). With low = high: one rerun.
 */
export type FloatMes = (low: number, high: number, n: number) => number[] | null;

const U = 2 ** -52;
const SAFETY = 4;
const SPENT = -1;
const UNSET = -2;

/** Buffers reused across reruns: budget classes (voters with one budget interval), per-class scratch. */
interface Workspace {
  readonly input: FloatMesInput;
  /** Per class, the lower and upper ends of its voters' budget. */
  readonly low: Float64Array;
  readonly high: Float64Array;
  classCount: number;
  /** Per group, its budget class, or SPENT (certainly nothing left). */
  readonly classOf: Int32Array;
  /** Per class, scratch: weight of one project's supporters in it (0 between uses). */
  readonly weightIn: Float64Array;
  /** Per class, scratch: the class its voters move to when they pay (UNSET between uses). */
  readonly movedTo: Int32Array;
  /** Per project j, its supporter groups are groups[firstGroup[j] .. firstGroup[j + 1]). */
  readonly firstGroup: Int32Array;
  readonly groups: Int32Array;
  /** Per group, how many voters cast its ballot. */
  readonly groupWeight: Float64Array;
  /** Per project, a lower bound of its payment per unit of utility (payments only grow within a run). */
  readonly lower: Float64Array;
  /**
   * Per project, where `lower` starts: its cost shared by all its supporters (no one pays more than ρ, so
   * ρ ≥ cost / supporters), divided by the utility, less a margin for the two roundings. With it the first
   * round evaluates a few candidates rather than every project.
   */
  readonly floor: Float64Array;
}

/** Bounds of a project's ρ over every exact run the interval budgets hold. */
interface Payment {
  down: number;
  up: number;
}
const UNAFFORDABLE = 'unaffordable';
type Evaluation = Payment | typeof UNAFFORDABLE | null;

/** The classes of j's supporters, with their weights in ws.weightIn. */
function supporterClasses(ws: Workspace, j: number): number[] {
  const { classOf, weightIn, groups, groupWeight, firstGroup } = ws;
  const touched: number[] = [];
  for (let i = firstGroup[j], end = firstGroup[j + 1]; i < end; i++) {
    const g = groups[i];
    const c = classOf[g];
    if (c === SPENT) continue;
    if (weightIn[c] === 0) touched.push(c);
    weightIn[c] += groupWeight[g];
  }
  return touched;
}

/** Σ weight × min(budget, cap) over `classes`, and a bound of its rounding error. */
function paid(ws: Workspace, budgets: Float64Array, classes: readonly number[], cap: number): { sum: number; err: number } {
  const { weightIn } = ws;
  let sum = 0;
  for (const c of classes) sum += weightIn[c] * Math.min(budgets[c], cap);
  return { sum, err: SAFETY * (classes.length + 2) * U * sum };
}

/** Σ weight × budget over `classes` at the budgets' upper and lower ends, and a bound of their rounding errors. */
function holdings(ws: Workspace, classes: readonly number[]): { most: number; least: number; err: number } {
  const { weightIn, low, high } = ws;
  let most = 0;
  let least = 0;
  for (const c of classes) {
    most += weightIn[c] * high[c];
    least += weightIn[c] * low[c];
  }
  return { most, least, err: SAFETY * (classes.length + 2) * U * most };
}

/**
 * Water-filling in doubles: the ρ at which the supporters, with `budgets`, pay `cost` (each min(budget,
 * ρ)); NaN when they cannot. Start from the payment if nobody were short; the supporters whose budget is
 * under it give all they have and the others share the rest; repeat until no one more is short (the
 * payment only grows: at most one pass per class, usually two or three). Approximate: fill's caller checks.
 */
function waterLevel(ws: Workspace, budgets: Float64Array, classes: readonly number[], cost: number): number {
  const { weightIn } = ws;
  let total = 0;
  for (const c of classes) total += weightIn[c];
  let rho = cost / total;
  let short = 0;
  for (let pass = 0; pass <= classes.length + 1; pass++) {
    let given = 0;
    let rest = total;
    let count = 0;
    for (const c of classes) {
      if (budgets[c] < rho) {
        given += weightIn[c] * budgets[c];
        rest -= weightIn[c];
        count++;
      }
    }
    if (rest === 0 || given >= cost) return NaN;
    const next = (cost - given) / rest;
    if (count === short) return next;
    [rho, short] = [next, count];
  }
  return NaN;
}

/**
 * Bounds of project j's ρ over every exact run the class intervals hold (the exact run's rhoOf in vote.ts
 * finds the root of the same F); UNAFFORDABLE when its supporters certainly cannot pay for it; null when
 * either is too close to call.
 */
function evaluate(ws: Workspace, j: number): Evaluation {
  const cost = ws.input.realCosts[j];
  if (cost === 0) return { down: 0, up: 0 };
  const classes = supporterClasses(ws, j);
  let out: Evaluation = UNAFFORDABLE;
  if (classes.length > 0) {
    const { most, least, err } = holdings(ws, classes);
    if (most + err < cost) out = UNAFFORDABLE;
    else if (least - err < cost) out = null;
    else out = bracket(ws, classes, cost);
  }
  for (const c of classes) ws.weightIn[c] = 0;
  return out;
}

/** ρ between `down` and `up`, proved by F < 0 at down (with the budgets' upper ends) and F > 0 at up (lower ends). */
function bracket(ws: Workspace, classes: readonly number[], cost: number): Payment | null {
  const fromHigh = waterLevel(ws, ws.high, classes, cost);
  const fromLow = waterLevel(ws, ws.low, classes, cost);
  if (Number.isNaN(fromHigh) || Number.isNaN(fromLow)) return null;
  for (const slack of [1e-12, 1e-9, 1e-6]) {
    const down = fromHigh * (1 - slack);
    const up = fromLow * (1 + slack);
    const atDown = paid(ws, ws.high, classes, down);
    const atUp = paid(ws, ws.low, classes, up);
    if (atDown.sum + atDown.err < cost && atUp.sum - atUp.err > cost) return { down, up };
  }
  return null;
}

/** A candidate's payment per unit of utility, as an interval [lo, hi]. */
interface Quote {
  j: number;
  lo: number;
  hi: number;
  payment: Payment;
}

function quote(ws: Workspace, j: number, payment: Payment): Quote {
  const u = ws.input.realUtility[j];
  return { j, lo: (payment.down / u) * (1 - SAFETY * U), hi: (payment.up / u) * (1 + SAFETY * U), payment };
}

/** a certainly comes before b: a smaller payment per utility, or an exact tie (both exactly 0) won on the tie order. */
function certainlyFirst(a: Quote, b: Quote): boolean {
  return a.hi < b.lo || (a.hi === 0 && b.hi === 0 && a.j < b.j);
}

/**
 * One round: the candidate with the least payment per utility (lazily: candidates by lower bound, stopping
 * where the bound passes the best found). Returns the quote and the candidates still affordable, 'none'
 * when none is, or null when the choice is too close to call.
 */
function pick(ws: Workspace, candidates: number[]): { best: Quote; still: number[] } | 'none' | null {
  const { lower } = ws;
  candidates.sort((a, b) => lower[a] - lower[b] || a - b);
  const quotes: Quote[] = [];
  const still: number[] = [];
  let bestHi = Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const j = candidates[i];
    if (lower[j] > bestHi) {
      for (let k = i; k < candidates.length; k++) still.push(candidates[k]);
      break;
    }
    const e = evaluate(ws, j);
    if (e === null) return null;
    if (e === UNAFFORDABLE) continue; // and for the rest of this run: budgets only shrink
    const qj = quote(ws, j, e);
    lower[j] = Math.max(lower[j], qj.lo);
    still.push(j);
    quotes.push(qj);
    bestHi = Math.min(bestHi, qj.hi);
  }
  if (quotes.length === 0) return 'none';
  let best = quotes[0];
  for (const qk of quotes) if (qk.hi < best.hi || (qk.hi === best.hi && qk.j < best.j)) best = qk;
  for (const qk of quotes) if (qk !== best && !certainlyFirst(best, qk)) return null;
  return { best, still };
}

/**
 * The supporters of `best` pay min(budget, ρ): within each class they move together to a new class holding
 * max(0, budget − ρ), or to SPENT when that is certainly 0.
 */
function pay(ws: Workspace, best: number, { down, up }: Payment): void {
  const { classOf, low, high, movedTo, groups, firstGroup } = ws;
  const touched: number[] = [];
  for (let i = firstGroup[best], end = firstGroup[best + 1]; i < end; i++) {
    const g = groups[i];
    const from = classOf[g];
    if (from === SPENT) continue;
    if (movedTo[from] === UNSET) {
      touched.push(from);
      const most = (high[from] - down) * (1 + SAFETY * U);
      if (most > 0) {
        const to = ws.classCount++;
        low[to] = Math.max(0, (low[from] - up) * (1 + SAFETY * U * Math.sign(up - low[from])));
        high[to] = most;
        movedTo[from] = to;
      } else {
        movedTo[from] = SPENT;
      }
    }
    classOf[g] = movedTo[from];
  }
  for (const c of touched) movedTo[c] = UNSET;
}

function run(ws: Workspace, low: number, high: number): number[] | null {
  ws.classCount = 1;
  ws.low[0] = low;
  ws.high[0] = high;
  ws.classOf.fill(0);
  ws.lower.set(ws.floor);
  let candidates = [...ws.input.selectable];
  const selected: number[] = [];
  for (;;) {
    const p = pick(ws, candidates);
    if (p === null) return null;
    if (p === 'none') return selected;
    const best = p.best.j;
    pay(ws, best, p.best.payment);
    selected.push(best);
    candidates = p.still.filter((j) => j !== best);
  }
}

/** A FloatMes for one instance; it reuses its buffers from one rerun to the next. */
export function floatMes(input: FloatMesInput): FloatMes {
  const classes = 1 + input.supporters.reduce((sum, gs) => sum + gs.length, 0); // a payment adds at most one per supporter group
  const firstGroup = new Int32Array(input.supporters.length + 1);
  input.supporters.forEach((gs, j) => (firstGroup[j + 1] = firstGroup[j] + gs.length));
  const ws: Workspace = {
    input,
    low: new Float64Array(classes),
    high: new Float64Array(classes),
    classCount: 1,
    classOf: new Int32Array(input.weights.length),
    weightIn: new Float64Array(classes),
    movedTo: new Int32Array(classes).fill(UNSET),
    firstGroup,
    groups: Int32Array.from(input.supporters.flat()),
    groupWeight: Float64Array.from(input.weights),
    lower: new Float64Array(input.realCosts.length),
    floor: Float64Array.from(input.realCosts, (cost, j) => {
      const voters = input.supporters[j].reduce((sum, g) => sum + input.weights[g], 0);
      return voters === 0 ? 0 : (cost / voters / input.realUtility[j]) * (1 - 8 * U);
    }),
  };
  return (low, high, n) => {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low > high) return null;
    return run(ws, (low / n) * (1 - SAFETY * U), (high / n) * (1 + SAFETY * U));
  };
}
