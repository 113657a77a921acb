// Mocha root hooks: shared services are started lazily by the tests that need them and stopped here.
import { stopPostgres } from './postgres';
import { stopTemporal } from './temporal';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopTemporal();
    await stopPostgres();
  },
};
