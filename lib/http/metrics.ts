/**
 * Per-call metrics. Every HTTP call made through lib/http is recorded once, after its last attempt, so a run
 * can report how many calls each service cost, how long they took and how many retries they needed.
 *
 * A production n8n process runs for months and every node records into `globalMetrics` unless given its own
 * recorder, so memory must not grow with the number of calls: totals are running sums, and only a fixed window of
 * the most recent calls is kept as records.
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
	/** When the call finished (epoch ms), for logs that place calls in time. */
	at?: number;
}

export interface OperationSummary {
	calls: number;
	failed: number;
	retries: number;
	totalMs: number;
}

export interface MetricsSummary {
	calls: number;
	failed: number;
	retries: number;
	rateLimited: number;
	totalMs: number;
	byOperation: Record<string, OperationSummary>;
}

export interface MetricsOptions {
	/** How many of the most recent calls `calls` keeps (default 1,000). */
	window?: number;
	/** How many distinct service:operation keys get their own totals; later ones are summed under `service:other`. */
	maxOperations?: number;
	/**
	 * Another recorder that sees every call too. A node run that logs its own calls records into a recorder of its
	 * own and forwards to `globalMetrics`, so the process-wide totals stay complete.
	 */
	forwardTo?: MetricsRecorder;
}

export const DEFAULT_METRICS_WINDOW = 1_000;
const DEFAULT_MAX_OPERATIONS = 500;

export class MetricsRecorder {
	readonly window: number;
	private readonly maxOperations: number;
	private ring: CallMetric[] = [];
	/** Where the next record goes once the ring is full (the oldest record). */
	private next = 0;
	private totals = { calls: 0, failed: 0, retries: 0, rateLimited: 0, totalMs: 0 };
	private operations = new Map<string, OperationSummary>();
	private readonly forwardTo?: MetricsRecorder;

	constructor(options: MetricsOptions = {}) {
		this.window = Math.max(1, Math.floor(options.window ?? DEFAULT_METRICS_WINDOW));
		this.maxOperations = Math.max(1, Math.floor(options.maxOperations ?? DEFAULT_MAX_OPERATIONS));
		this.forwardTo = options.forwardTo;
	}

	/** Calls recorded since creation or the last reset (all of them, not just the window). */
	get recorded(): number {
		return this.totals.calls;
	}

	/** The most recent calls, oldest first (at most `window`). */
	get calls(): CallMetric[] {
		if (this.ring.length < this.window) return this.ring.slice();
		return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
	}

	record(metric: CallMetric): void {
		if (this.ring.length < this.window) {
			this.ring.push(metric);
		} else {
			this.ring[this.next] = metric;
			this.next = (this.next + 1) % this.window;
		}
		let key = `${metric.service}:${metric.operation}`;
		if (!this.operations.has(key) && this.operations.size >= this.maxOperations) key = `${metric.service}:other`;
		let op = this.operations.get(key);
		if (!op) {
			op = emptyOperation();
			this.operations.set(key, op);
		}
		add(this.totals, op, metric);
		this.forwardTo?.record(metric);
	}

	reset(): void {
		this.ring = [];
		this.next = 0;
		this.totals = { calls: 0, failed: 0, retries: 0, rateLimited: 0, totalMs: 0 };
		this.operations.clear();
	}

	/**
	 * Totals since creation or the last reset. With a filter, only the calls still in the window are summed (the
	 * running totals cannot be filtered after the fact).
	 */
	summary(filter?: (m: CallMetric) => boolean): MetricsSummary {
		if (filter) return summarize(this.calls.filter(filter));
		const byOperation: Record<string, OperationSummary> = {};
		for (const [key, op] of this.operations) byOperation[key] = { ...op };
		return { ...this.totals, totalMs: Math.round(this.totals.totalMs), byOperation };
	}
}

function emptyOperation(): OperationSummary {
	return { calls: 0, failed: 0, retries: 0, totalMs: 0 };
}

/** Count one call into the totals and into its operation's totals (running sums and window summaries alike). */
function add(totals: Omit<MetricsSummary, 'byOperation'>, op: OperationSummary, m: CallMetric): void {
	totals.calls += 1;
	totals.failed += m.ok ? 0 : 1;
	totals.retries += m.retries;
	totals.rateLimited += m.rateLimited;
	totals.totalMs += m.durationMs;
	op.calls += 1;
	op.failed += m.ok ? 0 : 1;
	op.retries += m.retries;
	op.totalMs += m.durationMs;
}

function summarize(calls: CallMetric[]): MetricsSummary {
	const out: MetricsSummary = { calls: 0, failed: 0, retries: 0, rateLimited: 0, totalMs: 0, byOperation: {} };
	for (const m of calls) add(out, (out.byOperation[`${m.service}:${m.operation}`] ??= emptyOperation()), m);
	out.totalMs = Math.round(out.totalMs);
	return out;
}

/** Process-wide recorder; nodes and benchmarks may pass their own to scope a run. */
export const globalMetrics = new MetricsRecorder();
