// The one lifecycle list: starts in order, a failed start stops what had started (newest first) and rethrows, a
// graceful stop runs every stop even past one that throws, and stopping twice stops once.
import { describe, expect, it } from "vitest";
import { Lifecycle } from "../../src/core/lifecycle.js";

function recording() {
  const events: string[] = [];
  const failures: string[] = [];
  const lifecycle = new Lifecycle((component, error) => failures.push(`${component}: ${(error as Error).message}`));
  const component = (name: string) =>
    lifecycle.start(
      name,
      () => {
        events.push(`start ${name}`);
        return name.toUpperCase();
      },
      (value) => {
        events.push(`stop ${name} (${value})`);
      },
    );
  return { events, failures, lifecycle, component };
}

describe("Lifecycle", () => {
  it("returns what each start gives and stops in reverse order", async () => {
    const { events, lifecycle, component } = recording();
    expect(await component("a")).toBe("A");
    await component("b");
    await lifecycle.start("no stop", () => events.push("start no stop"));
    await component("c");
    expect(lifecycle.names()).toEqual(["a", "b", "c"]);
    await lifecycle.stop();
    expect(events).toEqual([
      "start a",
      "start b",
      "start no stop",
      "start c",
      "stop c (C)",
      "stop b (B)",
      "stop a (A)",
    ]);
  });

  it("stops what had started when a start fails, and rethrows that failure", async () => {
    const { events, lifecycle, component } = recording();
    await component("a");
    await component("b");
    const failure = lifecycle.start("port", async () => {
      throw new Error("EADDRINUSE");
    });
    await expect(failure).rejects.toThrow("EADDRINUSE");
    expect(events).toEqual(["start a", "start b", "stop b (B)", "stop a (A)"]);
    expect(lifecycle.names()).toEqual([]);
  });

  it("runs every stop even when one throws, and reports it", async () => {
    const { events, failures, lifecycle, component } = recording();
    await component("a");
    await lifecycle.start(
      "flaky",
      () => undefined,
      async () => {
        throw new Error("flush failed");
      },
    );
    await component("c");
    await lifecycle.stop();
    expect(events).toEqual(["start a", "start c", "stop c (C)", "stop a (A)"]);
    expect(failures).toEqual(["flaky: flush failed"]);
  });

  it("stops once when asked twice", async () => {
    const { events, lifecycle, component } = recording();
    await component("a");
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    await lifecycle.stop();
    expect(events.filter((e) => e.startsWith("stop"))).toEqual(["stop a (A)"]);
  });
});
