// Proves the graph and the simulator source work together: every simulated AML money cycle of at most six customers whose transfers all went through within the window is reported as a money-cycle ring with exactly its customers.
import { runSimulation, type SimulationRun } from '@zhirong/simulator';
import { expect, it } from 'vitest';
import { EntityGraph } from '../graph/entity-graph.ts';
import { fromSimEvent, simulatorCustomerId } from './simulator.ts';

it('finds the simulated money cycles', async () => {
  const graph = new EntityGraph();
  let captured: SimulationRun | undefined;
  const status = new Map<string, string>();
  await runSimulation(
    { customers: 400, days: 20, seed: 9, amlRates: { cycle: 60 } },
    {
      sinks: [
        {
          day(events, _day, run) {
            captured = run;
            for (const e of events) {
              const { event } = fromSimEvent(e, run);
              graph.observe(event);
              status.set(event.id, e.status);
            }
          },
        },
      ],
    },
  );
  const run = captured as SimulationRun;
  const cycles = run.scenarios.filter((s) => s.type === 'cycle');
  const rings = new Set(
    graph
      .rings(100_000)
      .filter((r) => r.kind === 'money_cycle')
      .map((r) => [...r.customers].sort().join(',')),
  );
  let expected = 0;
  for (const s of cycles) {
    const length = s.params.length as number;
    const complete = s.eventIds.length === length + 1 && s.eventIds.every((id) => status.get(id) !== 'declined');
    if (length > 6 || !complete || s.endMs - s.startMs > 7 * 86_400_000) continue;
    expected++;
    const customers = s.members.customers.map((id) => simulatorCustomerId(Number(id.slice(2)) - 1)).sort();
    expect(rings.has(customers.join(','))).toBe(true);
  }
  expect(expected).toBeGreaterThanOrEqual(5);
}, 60_000);
