// One transition at a time inside a workflow: update handlers and timer turns interleave at every
// await otherwise, and two of them could read the same state and both act on it.
import { condition } from '@temporalio/workflow';

export function createExclusive() {
  let locked = false;
  return {
    get locked() {
      return locked;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      await condition(() => !locked);
      locked = true;
      try {
        return await fn();
      } finally {
        locked = false;
      }
    },
  };
}
