/**
 * The one way `lib/` waits: a sleep handed in by whoever runs it. Inside n8n the nodes hand in n8n-workflow's `sleep`
 * (nodes/shared/timers.ts), so `lib/` needs neither n8n imports nor timer globals, which n8n's community-package
 * scanner refuses. Tests, benchmarks and scripts hand in their own (`useSleep`) before calling `lib/`.
 */
export type Sleep = (ms: number) => Promise<void>;

let configured: Sleep | undefined;

/** Set the sleep every retry wait and rate-limit wait in `lib/` uses (the last call wins; one per process). */
export function useSleep(sleep: Sleep): void {
	configured = sleep;
}

/** Wait `ms` milliseconds with the configured sleep. */
export function sleep(ms: number): Promise<void> {
	if (!configured) {
		return Promise.reject(new Error('lib/http has no sleep configured: call useSleep() first (the nodes do this in nodes/shared/timers.ts)'));
	}
	return configured(Math.max(0, ms));
}
