// The components of a running proxy that start and stop, in one ordered list: each start is registered with its
// stop, a start that fails stops what had started (newest first) and rethrows, and a graceful stop runs the same
// stops in the same order. One list means a new component cannot be forgotten on one of the two paths.
export class Lifecycle {
  private readonly started: Array<{ name: string; stop: () => unknown }> = [];
  private stopping: Promise<void> | undefined;

  /** onStopFailed hears a stop that threw; the stops after it still run. */
  constructor(private readonly onStopFailed: (component: string, error: unknown) => void) {}

  /** Starts the next component; its stop (if any) runs before the stops of every component started earlier. */
  async start<T>(name: string, start: () => T | Promise<T>, stop?: (started: T) => unknown): Promise<T> {
    let value: T;
    try {
      value = await start();
    } catch (error) {
      await this.stop();
      throw error;
    }
    if (stop) this.started.push({ name, stop: () => stop(value) });
    return value;
  }

  /** Stops every started component, newest first; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (let component = this.started.pop(); component; component = this.started.pop()) {
        try {
          await component.stop();
        } catch (error) {
          this.onStopFailed(component.name, error);
        }
      }
    })();
    return this.stopping;
  }

  /** The registered components in start order (for logs and tests). */
  names(): string[] {
    return this.started.map((c) => c.name);
  }
}
