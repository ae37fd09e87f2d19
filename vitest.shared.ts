import { availableParallelism } from 'node:os';

import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * How many test files run at once. Most integration tests wait on a database, FreeRADIUS, a fake
 * provider or a timer rather than compute, so one more worker than cores keeps the machine busy
 * (vitest's default, cores − 1, runs one file at a time on a 2-core CI machine). TEST_WORKERS overrides.
 */
export function testWorkers(perCore: number, extra: number): number {
  const fromEnv = Number(process.env.TEST_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.round(availableParallelism() * perCore) + extra);
}

/**
 * Starts the files named in `slowest` first, in that order, then the rest as vitest orders them. A
 * long file that starts last keeps the whole run waiting for it alone; started first, it overlaps
 * with everything else. The lists are kept from the "slowest tests" that every `npm test` prints.
 */
export function slowFirst(slowest: string[]) {
  return class SlowFirstSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const rank = (f: TestSpecification) => {
        const i = slowest.findIndex((s) => f.moduleId.endsWith(s));
        return i === -1 ? slowest.length : i;
      };
      return sorted
        .map((f, i) => ({ f, i }))
        .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
        .map(({ f }) => f);
    }
  };
}
