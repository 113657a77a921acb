// Pure domain rules shared by workflow code and the API (deterministic: no node: imports, no clock, no I/O).
export * from './answer-term';
export * from './routing';
export * from './rating';
export * from './vote';
export * from './poll';
export * from './pabulib';
