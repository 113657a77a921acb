// Mocha root hooks: shared services are started lazily by the tests that need them and stopped here.
// With OTKLIK_RECORD_HISTORIES, the workflows each test started are recorded (record-histories.ts).
import { recordStartedWorkflows, writeStartedHistories } from './record-histories';
import { stopPostgres } from './postgres';
import { stopTemporal } from './temporal';

const recordInto = process.env.OTKLIK_RECORD_HISTORIES;
if (recordInto) recordStartedWorkflows();

export const mochaHooks = {
  async afterEach() {
    if (recordInto) await writeStartedHistories(recordInto);
  },
  async afterAll(this: Mocha.Context) {
    // Stopping the servers (a checkpoint of PostgreSQL, the dev server's last writes) took over a minute at a
    // load average of 24; the tests had passed by then, so the cleanup is given room rather than failed.
    this.timeout(180_000);
    await stopTemporal();
    await stopPostgres();
  },
};
