import { createHash } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createRawFetch } from '../http/rawFetch';
import { registerSecret, redact } from '../http/redact';
import { issuePath } from '../validation';
import { OPS_LOG_TABLES, scrubRow, type OpsLogTable } from './rows';

/**
 * The ops log writer. A failing log must never fail the business operation it describes, so `write` never throws:
 * it reports what it could not write, and the node shows that on its items instead.
 *
 * Writes are plain inserts, one per table per batch of rows, and are not retried: postgrest-js does not retry
 * POSTs either, and a retried insert whose first attempt did land would log the same calls twice. The run summary
 * (workflow_execution_logs) is unique per execution, so a repeated summary is refused by the database and counted
 * as a duplicate, not as a second run.
 */

export type OpsLogBatch = Partial<Record<OpsLogTable, ReadonlyArray<Record<string, unknown>>>>;

export interface OpsLogFailure {
	table: OpsLogTable;
	/** How many rows of this table were not written. */
	rows: number;
	/** PostgreSQL / PostgREST code when the database answered, `invalid_row` when a row was refused before sending. */
	code?: string;
	message: string;
}

export interface OpsLogWriteResult {
	ok: boolean;
	written: Partial<Record<OpsLogTable, number>>;
	/** Rows the database refused as already recorded (unique constraint): a repeated run summary or decision. */
	duplicates: Partial<Record<OpsLogTable, number>>;
	failures: OpsLogFailure[];
}

export interface OpsLogSink {
	write(batch: OpsLogBatch): Promise<OpsLogWriteResult>;
}

/** Order in which a batch is written: the audit rows first, since they matter most. */
const TABLE_ORDER: OpsLogTable[] = ['change_approvals', 'config_change_audit', 'workflow_execution_logs', 'integration_logs', 'api_metrics'];

export const OPS_LOG_DEFAULTS = {
	/** Rows per insert request. */
	batchSize: 500,
	/** Per-request timeout: logging must not hold a workflow up for long. */
	timeoutMs: 10_000,
} as const;

export interface SupabaseOpsLogOptions {
	/** Project URL, for example https://abcd.supabase.co (a trailing /rest/v1 is accepted). */
	url: string;
	/** The service_role (or sb_secret_) key: the ops log tables are closed to the anon key by row level security. */
	serviceKey: string;
	batchSize?: number;
	timeoutMs?: number;
	fetch?: typeof fetch;
}

export class OpsLogConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'OpsLogConfigError';
	}
}

/** `https://x.supabase.co/rest/v1/` -> `https://x.supabase.co`; throws OpsLogConfigError for anything else than an http(s) URL. */
export function normaliseProjectUrl(raw: string): string {
	const text = String(raw ?? '').trim();
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new OpsLogConfigError(`Supabase ops log: the Host "${redact(text)}" is not a URL. Use the project URL, for example https://abcd.supabase.co.`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new OpsLogConfigError(`Supabase ops log: the Host must start with https:// (got ${url.protocol}).`);
	}
	return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/rest\/v1$/, '')}`;
}

function timeoutFetch(base: typeof fetch, timeoutMs: number): typeof fetch {
	return (input, init = {}) => {
		const timeout = AbortSignal.timeout(timeoutMs);
		const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
		return base(input, { ...init, signal });
	};
}

/**
 * supabase-js builds its realtime client eagerly, and Node 20 has no global WebSocket (it throws without one).
 * The ops log only inserts rows, so realtime gets a transport that refuses to connect.
 */
class NoRealtime {
	constructor() {
		throw new Error('Supabase ops log: realtime is not used');
	}
}
type RealtimeTransport = NonNullable<NonNullable<Parameters<typeof createClient>[2]>['realtime']>['transport'];

/** Clients by project URL and key digest, so a long-running n8n process reuses them instead of building one per run. */
const clients = new Map<string, SupabaseClient>();
const MAX_CLIENTS = 16;

function clientFor(url: string, key: string, timeoutMs: number, fetchImpl?: typeof fetch): SupabaseClient {
	const cacheKey = `${url}\n${createHash('sha256').update(key).digest('hex')}\n${timeoutMs}`;
	const cached = fetchImpl ? undefined : clients.get(cacheKey);
	if (cached) return cached;
	const client = createClient(url, key, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		// The package's own HTTP path by default, so the ops log honours HTTP(S)_PROXY / NO_PROXY like every node.
		global: { fetch: timeoutFetch(fetchImpl ?? createRawFetch({ timeoutMs, closeConnections: true }), timeoutMs) },
		realtime: { transport: NoRealtime as unknown as RealtimeTransport },
	});
	if (!fetchImpl) {
		if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
		clients.set(cacheKey, client);
	}
	return client;
}

/** What to tell the user for a database error, by its code. */
function explain(table: OpsLogTable, error: { code?: string; message?: string; details?: string | null; hint?: string | null }, status?: number): string {
	const base = `Supabase ops log: writing ${table} failed`;
	const code = error.code ?? '';
	if (code === '42P01' || code === 'PGRST205' || code === 'PGRST204' || code === '42703') {
		return `${base}: ${error.message}. The ops log schema is missing or out of date: apply the migrations (README, "Ops log in Supabase").`;
	}
	if (status === 401 || status === 403 || code === '42501' || /jwt|api key/i.test(error.message ?? '')) {
		return `${base}: ${error.message}. Use the project's service_role key in the Supabase credential (the anon key cannot write these tables).`;
	}
	const parts: string[] = [];
	for (const part of [error.message, error.details, error.hint]) {
		// postgrest-js repeats a network error's text in `details`; say it once.
		if (typeof part === 'string' && part.length > 0 && !parts.some((p) => p.includes(part) || part.includes(p))) parts.push(part.split('\n')[0]);
	}
	const detail = parts.join(' ');
	return `${base}: ${detail || 'no answer from the server'}${code ? ` (code ${code})` : ''}. The workflow's own work is not affected.`;
}

export class SupabaseOpsLog implements OpsLogSink {
	readonly url: string;
	private readonly key: string;
	private readonly batchSize: number;
	private readonly timeoutMs: number;
	private readonly fetchImpl?: typeof fetch;

	constructor(options: SupabaseOpsLogOptions) {
		this.url = normaliseProjectUrl(options.url);
		const key = String(options.serviceKey ?? '').trim();
		if (!key) throw new OpsLogConfigError('Supabase ops log: the credential has no service role key. Copy it from the project\'s API settings.');
		registerSecret(key);
		this.key = key;
		this.batchSize = Math.max(1, Math.floor(options.batchSize ?? OPS_LOG_DEFAULTS.batchSize));
		this.timeoutMs = Math.max(100, Math.floor(options.timeoutMs ?? OPS_LOG_DEFAULTS.timeoutMs));
		this.fetchImpl = options.fetch;
	}

	async write(batch: OpsLogBatch): Promise<OpsLogWriteResult> {
		const result: OpsLogWriteResult = { ok: true, written: {}, duplicates: {}, failures: [] };
		const fail = (failure: OpsLogFailure) => {
			result.ok = false;
			result.failures.push({ ...failure, message: redact(failure.message, [this.key]) });
		};
		let client: SupabaseClient;
		try {
			client = clientFor(this.url, this.key, this.timeoutMs, this.fetchImpl);
		} catch (error) {
			const rows = TABLE_ORDER.reduce((n, t) => n + (batch[t]?.length ?? 0), 0);
			fail({ table: TABLE_ORDER[0], rows, message: `Supabase ops log: could not create the client: ${(error as Error).message}` });
			return result;
		}
		for (const table of TABLE_ORDER) {
			const input = batch[table];
			if (!input?.length) continue;
			const valid: Record<string, unknown>[] = [];
			for (const [index, row] of input.entries()) {
				// A row that is not an object (null, a string, a list) is refused like any other bad row, not a crash of the batch.
				if (typeof row !== 'object' || row === null || Array.isArray(row)) {
					fail({ table, rows: 1, code: 'invalid_row', message: `Supabase ops log: ${table} row ${index} not written: row: expected an object, received ${row === null ? 'null' : Array.isArray(row) ? 'a list' : typeof row}.` });
					continue;
				}
				const parsed = OPS_LOG_TABLES[table].safeParse(scrubRow(row as Record<string, unknown>, [this.key]));
				if (parsed.success) {
					valid.push(parsed.data as Record<string, unknown>);
				} else {
					const issue = parsed.error.issues[0];
					fail({
						table,
						rows: 1,
						code: 'invalid_row',
						message: `Supabase ops log: ${table} row ${index} not written: ${issuePath(issue.path) || 'row'}: ${issue.message}.`,
					});
				}
			}
			for (let start = 0; start < valid.length; start += this.batchSize) {
				const chunk = valid.slice(start, start + this.batchSize);
				await this.insert(client, table, chunk, result, fail);
			}
		}
		return result;
	}

	private async insert(
		client: SupabaseClient,
		table: OpsLogTable,
		rows: Record<string, unknown>[],
		result: OpsLogWriteResult,
		fail: (failure: OpsLogFailure) => void,
	): Promise<void> {
		try {
			const { error, status } = await client.from(table).insert(rows);
			if (!error) {
				result.written[table] = (result.written[table] ?? 0) + rows.length;
				return;
			}
			// A unique key says the rows are already recorded. For a batch of one that is a duplicate, not a failure;
			// in a bigger batch the whole insert was refused, so write the rows one by one to keep the new ones.
			if (error.code === '23505') {
				if (rows.length === 1) {
					result.duplicates[table] = (result.duplicates[table] ?? 0) + 1;
					return;
				}
				for (const row of rows) await this.insert(client, table, [row], result, fail);
				return;
			}
			fail({ table, rows: rows.length, code: error.code || String(status || ''), message: explain(table, error, status) });
		} catch (error) {
			fail({ table, rows: rows.length, code: 'network', message: explain(table, { message: (error as Error).message }) });
		}
	}
}
