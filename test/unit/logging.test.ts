import assert from 'node:assert/strict';
import { JsonLogger, logLine } from '../../ops/logging';

describe('worker logs (ops/logging.ts)', () => {
  it('writes one JSON object per line with the case id of case workflows, and none for webhook deliveries', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('INFO', (line) => lines.push(line));
    logger.debug('not written below INFO', { workflowId: '22-2026-000001' });
    logger.warn('Activity failed', { workflowId: '22-2026-000001', workflowType: 'appealWorkflow', activityType: 'projectAppealTransition', attempt: 3 });
    logger.info('Workflow started', { workflowId: 'webhook-delivery-8', workflowType: 'webhookDeliveryWorkflow' });
    assert.equal(lines.length, 2);
    const [failed, delivery] = lines.map((l) => JSON.parse(l));
    assert.equal(failed.level, 'warn');
    assert.equal(failed.caseId, '22-2026-000001');
    assert.equal(failed.activityType, 'projectAppealTransition');
    assert.ok(!Number.isNaN(Date.parse(failed.time)));
    assert.equal(delivery.caseId, undefined, 'a webhook delivery is not a case');
    assert.equal(delivery.workflowId, 'webhook-delivery-8');
  });

  it('keeps secrets out of the line', () => {
    const line = logLine('ERROR', 'connect failed for postgres://otklik:s3cret@db/otklik', { authorization: 'Bearer otk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' });
    const text = JSON.stringify(line);
    assert.ok(!text.includes('s3cret'), text);
    assert.ok(!text.includes('otk_abcdefghijklmnopqrstuvwxyz'), text);
  });
});
