/**
 * The Python implementation's figures, copied from /work/shared/bench/README.md (whole
 * process, median of 9, same machine class), and the targets our figures are judged against.
 */
export interface PyRef {
  wallS: number;
  cpuS?: number;
  peakMB?: number;
  floorS?: number;
  marginalMs?: number;
}

export const PYTHON: Record<string, PyRef> = {
  one: { wallS: 0.511, cpuS: 0.41, peakMB: 38.6, floorS: 0.015 },
  chain50: { wallS: 2.993, cpuS: 3.0, peakMB: 39.8, floorS: 0.151, marginalMs: 48 },
  fanout50: { wallS: 2.197, cpuS: 2.33, peakMB: 40.9, floorS: 0.143, marginalMs: 31 },
  foreach100: { wallS: 4.15, cpuS: 4.55, peakMB: 42.7, floorS: 0.29, marginalMs: 34 },
  loop20: { wallS: 0.704, cpuS: 0.63, peakMB: 39.0, floorS: 0.067, marginalMs: 7 },
  // The scaling set: only wall times are published.
  chain100: { wallS: 19.2 },
  fanout100: { wallS: 8.0 },
  foreach200: { wallS: 11.7 },
  loop100: { wallS: 1.78 },
  'validate chain500': { wallS: 0.756, cpuS: 0.74, peakMB: 41.3 },
};

export const TARGETS = {
  marginalMsPerStep: 1,
  chain50OverFloor: 2,
  oneWallS: 0.2,
  peakMB: 120,
  validateChain500S: 0.12,
};
