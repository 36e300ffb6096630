// Statistics and the interleaved timing loop (browser-safe: used in Node and in Chromium).
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (!n) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}
/** { median, min, max, spread (max−min as % of the median), n, runs } */
export function summary(xs) {
  const m = median(xs);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { median: m, min, max, spreadPct: m ? ((max - min) / m) * 100 : 0, n: xs.length, runs: xs };
}

const cpuNow = globalThis.process?.cpuUsage
  ? () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000; // ms
    }
  : null;

/**
 * Times `fn` (async or sync) for about `ms` milliseconds; returns µs per call, wall clock, and
 * (in Node) CPU time of the whole process per call — which does not grow when other processes
 * take the cores, so it tells load noise from real cost.
 */
export async function timeFor(fn, ms, isAsync = true) {
  let n = 0;
  const c0 = cpuNow?.();
  const t0 = performance.now();
  let t = t0;
  const end = t0 + ms;
  if (isAsync) {
    while (t < end) {
      for (let i = 0; i < 8; i++) await fn();
      n += 8;
      t = performance.now();
    }
  } else {
    while (t < end) {
      for (let i = 0; i < 8; i++) fn();
      n += 8;
      t = performance.now();
    }
  }
  return { wall: ((t - t0) * 1000) / n, cpu: cpuNow ? ((cpuNow() - c0) * 1000) / n : undefined };
}

/**
 * Interleaved rounds: every case once per round, the order rotated (and reversed every other
 * round), after a warm-up of every case; a full GC before each run when `gc` is exposed. Returns { [case]: summary(wall µs per call) with
 * `cpu`: summary(CPU µs per call) }.
 */
export async function interleave(cases, { rounds = 7, ms = 120, warmMs = 150 } = {}) {
  const names = Object.keys(cases);
  for (const n of names) await timeFor(cases[n].fn, warmMs, cases[n].async !== false);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    if (r % 2) order.reverse();
    for (const n of order) {
      // Start every run with a clean heap (when gc is exposed), so one case's garbage is not
      // collected on the next case's time.
      globalThis.gc?.();
      runs[n].push(await timeFor(cases[n].fn, ms, cases[n].async !== false));
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const s = summary(runs[n].map((x) => x.wall));
      if (cpuNow) s.cpu = summary(runs[n].map((x) => x.cpu));
      return [n, s];
    }),
  );
}
