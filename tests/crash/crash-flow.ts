/**
 * The flow the crash test drives (DESIGN D-R2): a chain, a self-loop of 3 iterations, a
 * `for_each` over 3 items, an inline sub-flow (E-17) and a `non_retriable` step. Every script sleeps a little (so kills
 * land mid-step) and appends its attempt number to a per-step ledger in its workspace, so the
 * test can count real executions independently of what the store says.
 */

/** The step whose second start would be a double side effect. */
export const NON_RETRIABLE_STEP = 'charge';
export const FLOW_FILE = 'crash-mixed.flow.yaml';

/** A script that sleeps, records the execution, then prints `json` (shell text, may use $vars). */
function script(step: string, json: string): string {
  return JSON.stringify(`sleep 0.05; echo "$STEPWISE_ATTEMPT" >> ledger-${step}.txt; echo ${json}`);
}

export const CRASH_FLOW = `name: crash-mixed
description: "chain, self-loop, for_each and a non_retriable step (tests/crash)"
author: tests
steps:
  a:
    run: ${script('a', `'{"x": 1}'`)}
    outputs: [x]
  b:
    run: ${script('b', `'{"x": 2}'`)}
    inputs:
      x: a.x
    outputs: [x]
  spin:
    run: ${script('spin', `'{"n": 1}'`)}
    inputs:
      x: b.x
    outputs: [n]
    exits:
      - name: done
        when: "attempt >= 3"
        action: advance
      - name: again
        when: "True"
        action: loop
        target: spin
  gen:
    run: ${script('gen', `'{"items": [1, 2, 3]}'`)}
    inputs:
      x: a.x
    outputs: [items]
  each:
    for_each: gen.items
    as: item
    outputs: [results]
    flow:
      steps:
        work:
          run: ${script('work', `"{\\"y\\": $item}"`)}
          inputs:
            item: $job.item
          outputs: [y]
  sub:
    inputs:
      x: a.x
    outputs: [z]
    flow:
      steps:
        s1:
          run: ${script('s1', `'{"z": 1}'`)}
          outputs: [z]
        s2:
          run: ${script('s2', `'{"z": 2}'`)}
          inputs:
            z: s1.z
          outputs: [z]
  ${NON_RETRIABLE_STEP}:
    run: ${script(NON_RETRIABLE_STEP, `'{"charged": true}'`)}
    idempotency: non_retriable
    inputs:
      n: spin.n
      r: each.results
    outputs: [charged]
  final:
    run: ${script('final', `'{"done": true}'`)}
    inputs:
      c: ${NON_RETRIABLE_STEP}.charged
      x: b.x
      z: sub.z
    outputs: [done]
`;

/** The engine-readiness probe: one step, no sleep. */
export const PROBE_FLOW = `name: crash-probe
steps:
  s1:
    run: echo '{"x":1}'
    outputs: [x]
`;

/** A self-loop alone (CT-27 shape): the deterministic repro of a crash inside a loop body. */
export const LOOP_FLOW = `name: crash-loop
steps:
  spin:
    run: echo '{"n":1}'
    outputs: [n]
    exits:
      - name: done
        when: "attempt >= 3"
        action: advance
      - name: again
        when: "True"
        action: loop
        target: spin
`;

/**
 * One non_retriable script that marks its start, works 1 s, then records its side effect:
 * the deterministic repro of a kill while a non_retriable child is running.
 */
export const NR_FLOW = `name: crash-non-retriable
steps:
  ${NON_RETRIABLE_STEP}:
    run: ${JSON.stringify(`touch started-${NON_RETRIABLE_STEP}; sleep 1; echo "$STEPWISE_ATTEMPT" >> ledger-${NON_RETRIABLE_STEP}.txt; echo '{"charged": true}'`)}
    idempotency: non_retriable
    outputs: [charged]
`;

/**
 * With 2 executor slots, o1's two dependents take both slots in the same transaction that
 * processes spin's first result, so spin's loop relaunch has to wait in the launch queue.
 */
export const LOOP_QUEUE_FLOW = `name: crash-loop-queue
steps:
  o1:
    run: echo '{"x":1}'
    outputs: [x]
  spin:
    run: echo '{"n":1}'
    outputs: [n]
    exits:
      - name: done
        when: "attempt >= 3"
        action: advance
      - name: again
        when: "True"
        action: loop
        target: spin
  n1:
    run: echo '{"x":1}'
    inputs:
      x: o1.x
    outputs: [x]
  n2:
    run: echo '{"x":1}'
    inputs:
      x: o1.x
    outputs: [x]
`;
