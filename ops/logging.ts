// Structured logs of the worker process: one JSON object per line on stdout/stderr, as the API writes
// them. Temporal's SDK hands every workflow and activity log entry the workflow id in its metadata; the
// workflow id of a case is its registration number, so each such line carries `caseId` too, and a
// case's lines can be found with one filter across the API's and the worker's logs.
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { redact, redactText } from '../domain/redact';
import { WEBHOOK_DELIVERY_WORKFLOW_TYPE } from '../workflows/webhook/messages';

const ORDER: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

export type LogSink = (line: string, level: LogLevel) => void;

const defaultSink: LogSink = (line, level) => {
  if (level === 'ERROR' || level === 'WARN') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

/** One log line as a JSON object: level, time, msg, caseId (from workflowId), then the SDK's fields. */
export function logLine(level: LogLevel, message: string, meta: LogMetadata = {}): Record<string, unknown> {
  const fields = redact({ ...meta }) as Record<string, unknown>;
  // Case and event workflows are named by their registration numbers; a webhook delivery's workflow is
  // not a case (webhook-delivery-<id>), so its lines carry no caseId rather than a wrong one.
  const workflowId = typeof meta.workflowId === 'string' && meta.workflowType !== WEBHOOK_DELIVERY_WORKFLOW_TYPE ? meta.workflowId : undefined;
  const caseId = typeof meta.caseId === 'string' ? meta.caseId : workflowId;
  return {
    level: level.toLowerCase(),
    time: new Date().toISOString(),
    msg: redactText(message),
    ...(caseId ? { caseId } : {}),
    ...fields,
  };
}

/** A Temporal SDK Logger (Runtime.install({ logger })) that writes JSON lines at or above `minLevel`. */
export class JsonLogger implements Logger {
  constructor(private readonly minLevel: LogLevel = 'INFO', private readonly sink: LogSink = defaultSink) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    let line: string;
    try {
      line = JSON.stringify(logLine(level, message, meta));
    } catch {
      line = JSON.stringify({ level: level.toLowerCase(), time: new Date().toISOString(), msg: redactText(message), note: 'metadata not serialisable' });
    }
    this.sink(line, level);
  }

  trace(message: string, meta?: LogMetadata): void { this.log('TRACE', message, meta); }
  debug(message: string, meta?: LogMetadata): void { this.log('DEBUG', message, meta); }
  info(message: string, meta?: LogMetadata): void { this.log('INFO', message, meta); }
  warn(message: string, meta?: LogMetadata): void { this.log('WARN', message, meta); }
  error(message: string, meta?: LogMetadata): void { this.log('ERROR', message, meta); }
}

/** The SDK level of the platform's LOG_LEVEL (domain/config/index.ts). */
export function sdkLevel(level: 'debug' | 'info' | 'warn' | 'error'): LogLevel {
  return level === 'debug' ? 'DEBUG' : level === 'info' ? 'INFO' : level === 'warn' ? 'WARN' : 'ERROR';
}
