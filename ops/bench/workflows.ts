// The benchmark's own workflow bundle (not the platform's).
//   - minimalWorkflow: the smallest workflow there is, to measure how fast the Temporal server starts,
//     schedules and completes a workflow with nothing else in the way (the ceiling);
//   - appealShapedWorkflow: every Temporal interaction of an appeal's intake and nothing else — started
//     and registered in one update-with-start, routed and projected by two local activities that do no
//     I/O, search attributes upserted, then left waiting on its term's timer. Its rate is the most intake
//     could reach on this server with these interactions; the gap to it is the platform's own work
//     (HTTP, PostgreSQL, routing, the projection).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { condition, defineUpdate, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ShapeActivities } from './shape-activities';

export async function minimalWorkflow(): Promise<string> {
  return 'done';
}

export const shapedRegistration = defineUpdate<string>('shapedRegistration');

const { routeShaped, projectShaped } = proxyLocalActivities<ShapeActivities>({ startToCloseTimeout: '10 seconds' });

export async function appealShapedWorkflow(caseId: string): Promise<void> {
  let ready = false;
  setHandler(shapedRegistration, async () => {
    await condition(() => ready);
    return caseId;
  });
  const organisationId = await routeShaped(caseId);
  await projectShaped(caseId, organisationId);
  // Keys an appeal sets at registration (workflows/shared/search.ts), defined here: this bundle imports nothing of the platform's.
  upsertSearchAttributes([
    { key: defineSearchAttributeKey('OtklikCaseType', SearchAttributeType.KEYWORD), value: 'appeal' },
    { key: defineSearchAttributeKey('OtklikStatus', SearchAttributeType.KEYWORD), value: 'registered' },
    { key: defineSearchAttributeKey('OtklikOrganisation', SearchAttributeType.KEYWORD), value: organisationId },
    { key: defineSearchAttributeKey('OtklikOverdue', SearchAttributeType.BOOL), value: false },
  ]);
  ready = true;
  await condition(() => false, '30 days'); // open on its term, as an appeal is
}
