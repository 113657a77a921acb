// The workflow bundle's entry: every case type's workflow, exported by name for the worker.
export { appealWorkflow } from './appeal/workflow';
