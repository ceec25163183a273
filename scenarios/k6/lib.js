/**
 * Shared by the k6 scripts (plain JavaScript, no k6 import, so Node can test
 * it too): the thresholds of scenarios/targets.json in k6's terms, and
 * weighted draws from a parameter file written by export-params.ts.
 */

/**
 * k6 thresholds for one scenario from the harness's targets file:
 * latency -> http_req_duration, errors -> http_req_failed,
 * throughput -> http_reqs (per second), dropped rate -> dropped_iterations
 * (a count: the rate times the iterations the run schedules).
 */
export function k6Thresholds(targets, scenario, run) {
  const merged = {};
  for (const layer of [targets.defaults ?? {}, targets.scenarios?.[scenario] ?? {}]) {
    for (const metric of Object.keys(layer)) {
      for (const expression of layer[metric]) {
        const key = `${metric}:${aggregationOf(expression)}`;
        merged[key] = { metric, expression };
      }
    }
  }
  const out = {};
  const add = (name, expression) => {
    if (!out[name]) out[name] = [];
    out[name].push(expression);
  };
  for (const key of Object.keys(merged)) {
    const { metric, expression } = merged[key];
    if (metric === "latency") add("http_req_duration", expression);
    else if (metric === "errors") add("http_req_failed", expression);
    else if (metric === "throughput") add("http_reqs", expression.replace(/^throughput/, "rate"));
    else if (metric === "dropped") {
      const m = /^rate\s*(<=|<)\s*([\d.eE+-]+)$/.exec(expression);
      if (m)
        add(
          "dropped_iterations",
          `count${m[1]}${Math.max(1, Math.floor(Number(m[2]) * run.rate * run.durationSeconds))}`,
        );
    }
  }
  return out;
}

function aggregationOf(expression) {
  const m = /^(p\(\s*[\d.]+\s*\)|[a-z]+)/.exec(expression);
  return m ? m[1].replace(/\s+/g, "") : expression;
}

/** Seconds in a k6 duration like "30s", "2m", "1m30s". */
export function durationSeconds(text) {
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m = re.exec(text);
  while (m) {
    const n = Number(m[1]);
    total += m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
    m = re.exec(text);
  }
  return total;
}

/** Weighted draws from { keys, weights }: cumulative weights, binary search. */
export function weightedKeys(file) {
  const keys = file.keys;
  const cum = new Array(keys.length);
  let sum = 0;
  for (let i = 0; i < keys.length; i++) {
    sum += file.weights[i];
    cum[i] = sum;
  }
  return {
    size: keys.length,
    draw(u) {
      const target = u * sum;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      return keys[lo];
    },
  };
}

/** The constant-arrival-rate options every script uses (the harness's open model). */
export function openModel(name, rate, duration) {
  return {
    [name]: {
      executor: "constant-arrival-rate",
      rate,
      timeUnit: "1s",
      duration,
      preAllocatedVUs: Math.max(4, Math.ceil(rate / 20)),
      maxVUs: Math.max(64, rate * 2),
      gracefulStop: "2s",
    },
  };
}
