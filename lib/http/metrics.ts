/**
 * Per-call metrics. Every HTTP call made through lib/http is recorded once, after its last attempt, so a run
 * can report how many calls each service cost, how long they took and how many retries they needed.
 */

export interface CallMetric {
	service: string;
	operation: string;
	method: string;
	/** Final HTTP status, or 0 when no response arrived. */
	status: number;
	durationMs: number;
	/** Attempts after the first. */
	retries: number;
	/** 429 answers seen across all attempts. */
	rateLimited: number;
	ok: boolean;
	/** Time spent waiting for the rate limiter before the call(s). */
	throttledMs: number;
}

export interface MetricsSummary {
	calls: number;
	failed: number;
	retries: number;
	rateLimited: number;
	totalMs: number;
	byOperation: Record<string, { calls: number; failed: number; retries: number; totalMs: number }>;
}

export class MetricsRecorder {
	readonly calls: CallMetric[] = [];

	record(metric: CallMetric): void {
		this.calls.push(metric);
	}

	reset(): void {
		this.calls.length = 0;
	}

	summary(filter?: (m: CallMetric) => boolean): MetricsSummary {
		const calls = filter ? this.calls.filter(filter) : this.calls;
		const out: MetricsSummary = { calls: 0, failed: 0, retries: 0, rateLimited: 0, totalMs: 0, byOperation: {} };
		for (const m of calls) {
			out.calls += 1;
			out.failed += m.ok ? 0 : 1;
			out.retries += m.retries;
			out.rateLimited += m.rateLimited;
			out.totalMs += m.durationMs;
			const key = `${m.service}:${m.operation}`;
			const op = (out.byOperation[key] ??= { calls: 0, failed: 0, retries: 0, totalMs: 0 });
			op.calls += 1;
			op.failed += m.ok ? 0 : 1;
			op.retries += m.retries;
			op.totalMs += m.durationMs;
		}
		out.totalMs = Math.round(out.totalMs);
		return out;
	}
}

/** Process-wide recorder; nodes and benchmarks may pass their own to scope a run. */
export const globalMetrics = new MetricsRecorder();
