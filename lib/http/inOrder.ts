/** Runs tasks one after another in the order they were queued (the limiters' FIFO turns). */
export class InOrder {
	private tail: Promise<void> = Promise.resolve();

	run<T>(task: () => Promise<T>): Promise<T> {
		const run = this.tail.then(task);
		// Keep the chain alive even if a task rejects (a limiter's never should).
		this.tail = run.then(
			() => undefined,
			() => undefined,
		);
		return run;
	}
}
