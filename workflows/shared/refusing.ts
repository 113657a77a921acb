// A case's refused action as its workflow answers it: the update fails with an ApplicationFailure of the
// refusal's type (the API maps it to 403/409/422); any other error fails the workflow task, to be retried.
import { ApplicationFailure } from '@temporalio/workflow';
import { Refused } from './failures';

export function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Refused) throw ApplicationFailure.create({ type: e.type, message: e.message, nonRetryable: true });
    throw e;
  }
}
