// A workflow interceptor for the ops tests only (bundled into a test worker, never into the platform's):
// an update whose actor is named POISONED_ACTOR throws a plain Error in its handler, which the SDK
// turns into a workflow-task failure, as a bug in workflow code would.
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const POISONED_ACTOR = 'Оператор с ошибкой в коде';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async handleUpdate(input, next) {
        const actor = (input.args[0] as { actor?: { name?: string } } | undefined)?.actor;
        if (actor?.name === POISONED_ACTOR) throw new Error('a bug in the workflow code (ops test)');
        return next(input);
      },
    },
  ],
});
