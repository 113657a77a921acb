// The workflow bundle's entry: every case type's workflow, exported by name for the worker.
export { appealWorkflow } from './appeal/workflow';
export { pollWorkflow } from './poll/workflow';
export { voteWorkflow } from './vote/workflow';
export { discussionWorkflow } from './discussion/workflow';
export { hearingWorkflow } from './hearing/workflow';
export { webhookDeliveryWorkflow } from './webhook/workflow';
