// Mocha root hooks: shared services are started lazily by the tests that need them and stopped here.
import { stopPostgres } from './postgres';
import { stopTemporal } from './temporal';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    // Stopping the servers (a checkpoint of PostgreSQL, the dev server's last writes) took over a minute at a
    // load average of 24; the tests had passed by then, so the cleanup is given room rather than failed.
    this.timeout(180_000);
    await stopTemporal();
    await stopPostgres();
  },
};
