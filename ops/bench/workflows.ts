// The benchmark's own workflow bundle (not the platform's).
//   - minimalWorkflow: the smallest workflow there is, to measure how fast the Temporal server starts,
//     schedules and completes a workflow with nothing else in the way (the ceiling);
//   - appealShapedWorkflow: every Temporal interaction of an appeal's intake and nothing else — started
//     with its search attributes and registered in one update-with-start, the registration answered in
//     its first workflow task (an appeal starts registered: domain/cases/intake.ts), then left waiting on
//     its term's timer. Its rate is the most intake could reach on this server with these interactions;
//     the gap to it is the platform's own work (HTTP, PostgreSQL, routing, the projection).
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export async function minimalWorkflow(): Promise<string> {
  return 'done';
}

export const shapedRegistration = defineUpdate<string>('shapedRegistration');

export async function appealShapedWorkflow(caseId: string): Promise<void> {
  setHandler(shapedRegistration, () => caseId);
  await condition(() => false, '30 days'); // open on its term, as an appeal is
}
