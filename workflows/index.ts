// The workflow bundle's entry: every case type's workflow, exported by name for the worker. A
// participation type's workflow is exported under its workflow type (`${type}Workflow`, the name
// domain/participation/registry.ts starts its events by); ops/worker.ts has tsc check that none is missing.
import { eventWorkflow } from './participation/hooks';

export { appealWorkflow } from './appeal/workflow';
export { incidentWorkflow } from './incident/workflow';
export { webhookDeliveryWorkflow } from './webhook/workflow';
export { publicationWorkflow } from './publication/workflow';
export const pollWorkflow = eventWorkflow('poll');
export const voteWorkflow = eventWorkflow('vote');
export const discussionWorkflow = eventWorkflow('discussion');
export const hearingWorkflow = eventWorkflow('hearing');
export { overdueDigestWorkflow } from './appeal/overdue-digest';
export { readinessSnapshotWorkflow } from './monitoring/readiness-snapshot';
