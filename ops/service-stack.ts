// The services a process started, stopped in the reverse order (the API before the database pool it
// uses, the pool before the database): `npm start` and the benchmarks' platform share it.

/** What a process started, to be stopped when it ends. */
export interface StartedService {
  name: string;
  stop(): Promise<void>;
}

export class ServiceStack {
  private readonly started: StartedService[] = [];

  /** `report` hears of a service whose stop failed (the others are stopped all the same). */
  constructor(private readonly report: (line: string) => void) {}

  push(name: string, stop: () => Promise<void>): void {
    this.started.push({ name, stop });
  }

  /** Stops every service started so far, newest first; a second call stops only those started since. */
  async stopAll(): Promise<void> {
    for (const s of this.started.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (e) {
        this.report(`stopping ${s.name}: ${(e as Error).message}`);
      }
    }
  }
}
