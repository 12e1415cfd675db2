import type { IDataObject, IExecuteFunctions, INodeCredentialDescription, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { isMspOpsError, type ServiceName } from '../../lib/errors';
import { globalMetrics, MetricsRecorder } from '../../lib/http/metrics';
import { redact, redactValue } from '../../lib/http/redact';
import { warnOnOutput } from './hints';
import './timers';
import { apiMetricRows, clip, SupabaseOpsLog, type IntegrationLogRow, type OpsLogBatch, type OpsLogTable, type OpsLogWriteResult, type RunContext } from '../../lib/opslog';

/**
 * The optional Supabase ops log of every service node: with "Log to Supabase" on, the node writes the API calls of
 * its run to api_metrics and its errors to integration_logs, through n8n's own Supabase credential (the one the
 * built-in Supabase node uses, so a project needs one credential for both).
 *
 * Logging never decides the outcome of the node: a log that cannot be written is reported on the output items
 * (`opsLogError`) and as a warning on the node, and the node's own result or error stands.
 */

export const OPS_LOG_CREDENTIAL = 'supabaseApi';

/**
 * How the nodes declare it (written out literally in each node's description, as n8n's linter needs). `hide` when
 * off rather than `show` when on: n8n 2.8's editor takes a parameter that a credential is `show`n on for the node's
 * authentication selector, hides the Log to Supabase toggle from the panel and offers only Supabase credentials in
 * the node's other credential select (test/browser checks the panels).
 */
export const opsLogCredential: INodeCredentialDescription = {
	name: OPS_LOG_CREDENTIAL,
	required: true,
	displayOptions: { hide: { opsLog: [false] } },
};

export const opsLogProperty: INodeProperties = {
	displayName: 'Log to Supabase',
	name: 'opsLog',
	type: 'boolean',
	default: false,
	noDataExpression: true,
	description:
		"Whether to write this run's API calls (api_metrics) and errors (integration_logs) to the Supabase ops log. The project needs the ops log schema (see the package README).",
};

/** Most calls and errors one run itemises; a run beyond that logs the rest as a count. */
export const OPS_LOG_MAX_CALLS = 10_000;
export const OPS_LOG_MAX_ERRORS = 1_000;

interface OpsLogRun {
	ctx: IExecuteFunctions;
	metrics: MetricsRecorder;
	errors: IntegrationLogRow[];
	droppedErrors: number;
	/** Failures of rows written during the run (writeOpsLogNow), reported with the run's own. */
	laterFailures: OpsLogWriteResult['failures'];
	service: ServiceName;
	operation: string;
}

/** Runs with the ops log on, by execution context; gone when the run ends. */
const runs = new WeakMap<object, OpsLogRun>();
/** Node errors whose cause was already logged by `noteItemError` (so the thrown copy is not logged twice). */
const noted = new WeakSet<object>();

/** The recorder the clients of this run record their calls into, when the ops log is on (else the global one). */
export function runMetrics(ctx: object): MetricsRecorder | undefined {
	return runs.get(ctx)?.metrics;
}

/**
 * The lib error's JSON (service, operation, code, field, ...) behind an error: an MspOpsError itself, or a
 * NodeApiError made by toNodeError, which keeps that JSON as its errorResponse.
 */
function libErrorDetails(error: unknown): Record<string, unknown> | undefined {
	if (isMspOpsError(error)) return error.toJSON();
	const response = error && typeof error === 'object' ? (error as { errorResponse?: unknown }).errorResponse : undefined;
	if (response && typeof response === 'object' && typeof (response as { kind?: unknown }).kind === 'string') return response as Record<string, unknown>;
	return undefined;
}

function errorRow(run: OpsLogRun, error: unknown, itemIndex: number | undefined): IntegrationLogRow {
	const message = clip(redact(error instanceof Error ? error.message : String(error)) || 'error');
	const at = itemIndex !== undefined ? { itemIndex } : {};
	const lib = libErrorDetails(error);
	if (lib) {
		const { message: _message, ...details } = lib;
		return {
			service: typeof lib.service === 'string' && lib.service !== 'internal' ? (lib.service as ServiceName) : run.service,
			operation: clip(typeof lib.operation === 'string' ? lib.operation : run.operation, 120),
			level: 'error',
			message,
			context: redactValue({ ...details, ...at }) as IDataObject,
		};
	}
	const extra = error && typeof error === 'object' ? (error as { description?: unknown; httpCode?: unknown }) : {};
	return {
		service: run.service,
		operation: clip(run.operation, 120),
		level: 'error',
		message,
		context: {
			...at,
			...(typeof extra.description === 'string' && extra.description ? { description: clip(redact(extra.description), 1000) } : {}),
			...(typeof extra.httpCode === 'string' ? { httpCode: extra.httpCode } : {}),
		},
	};
}

/**
 * Called where an item fails (nodes/shared/n8nAdapter): remembers the error for the ops log of this run. `thrown`
 * is the n8n error that will be thrown for it, if any, so the run does not log it a second time.
 */
export function noteItemError(ctx: object, error: unknown, itemIndex: number | undefined, thrown?: object): void {
	const run = runs.get(ctx);
	if (!run) return;
	if (thrown) noted.add(thrown);
	if (run.errors.length >= OPS_LOG_MAX_ERRORS) {
		run.droppedErrors += 1;
		return;
	}
	run.errors.push(errorRow(run, error, itemIndex));
}

/**
 * Write rows now, inside an operation that runs under executeWithOpsLog (for example the Maker/Checker Gate's
 * change_approvals audit, whose duplicate answer means a decision was already recorded). Returns undefined when
 * the ops log is off; never throws. `workflow_id` and `execution_id` are filled in where a row has none.
 */
export async function writeOpsLogNow(ctx: object, batch: OpsLogBatch): Promise<OpsLogWriteResult | undefined> {
	const run = runs.get(ctx);
	if (!run) return undefined;
	const context = runContext(run.ctx);
	const withContext: OpsLogBatch = {};
	for (const [table, rows] of Object.entries(batch) as Array<[keyof OpsLogBatch, ReadonlyArray<Record<string, unknown>>]>) {
		withContext[table] = rows.map((row) => ({ workflow_id: context.workflow_id, execution_id: context.execution_id, ...row }));
	}
	const result = await writeBatch(run.ctx, withContext);
	if (!result.ok) run.laterFailures.push(...result.failures);
	return result;
}

async function writeBatch(ctx: IExecuteFunctions, batch: OpsLogBatch): Promise<OpsLogWriteResult> {
	try {
		const credential = await ctx.getCredentials<{ host?: unknown; serviceRole?: unknown }>(OPS_LOG_CREDENTIAL);
		const sink = new SupabaseOpsLog({ url: String(credential.host ?? ''), serviceKey: String(credential.serviceRole ?? '') });
		return await sink.write(batch);
	} catch (error) {
		const message = redact(error instanceof Error ? error.message : String(error));
		const rows = Object.values(batch).reduce((n, r) => n + (r?.length ?? 0), 0);
		const table = (Object.keys(batch)[0] as OpsLogTable | undefined) ?? 'api_metrics';
		return {
			ok: false,
			written: {},
			duplicates: {},
			failures: [{ table, rows, code: 'config', message: message.startsWith('Supabase') ? message : `Supabase ops log: ${message}` }],
		};
	}
}

function opsLogEnabled(ctx: IExecuteFunctions): boolean {
	try {
		return ctx.getNodeParameter('opsLog', 0, false) === true;
	} catch {
		return false;
	}
}

function runContext(ctx: IExecuteFunctions): RunContext {
	const workflow = (() => {
		try {
			return ctx.getWorkflow();
		} catch {
			return undefined;
		}
	})();
	const executionId = (() => {
		try {
			return ctx.getExecutionId();
		} catch {
			return undefined;
		}
	})();
	return {
		workflow_id: workflow?.id ? String(workflow.id) : null,
		workflow_name: workflow?.name ?? null,
		execution_id: executionId ? String(executionId) : null,
		node_name: ctx.getNode().name,
	};
}

function describeFailure(result: OpsLogWriteResult): string {
	const first = result.failures[0];
	const rows = result.failures.reduce((n, f) => n + f.rows, 0);
	return `${first.message}${result.failures.length > 1 ? ` (${rows} rows in ${result.failures.length} writes not logged)` : ''}`;
}

async function writeRun(ctx: IExecuteFunctions, run: OpsLogRun): Promise<OpsLogWriteResult> {
	const context = runContext(ctx);
	const calls = run.metrics.calls;
	const errors = run.errors.map((row) => ({ ...row, ...context }));
	const notItemised = run.metrics.recorded - calls.length;
	if (notItemised > 0 || run.droppedErrors > 0) {
		errors.push({
			...context,
			service: run.service,
			operation: clip(run.operation, 120),
			level: 'warning',
			message: `This run made ${run.metrics.recorded} API calls and met ${run.errors.length + run.droppedErrors} errors; the log itemises the last ${calls.length} calls and the first ${run.errors.length} errors.`,
			context: { callsNotItemised: notItemised, errorsNotItemised: run.droppedErrors },
		});
	}
	const result = await writeBatch(ctx, { integration_logs: errors, api_metrics: apiMetricRows(calls, context) });
	if (run.laterFailures.length) {
		result.ok = false;
		result.failures.unshift(...run.laterFailures);
	}
	return result;
}

/**
 * Run a node's operation with the ops log when the node's "Log to Supabase" is on (else just run it). The run's
 * calls and errors are written after the operation finished or failed; its result or its error is returned as is,
 * with `opsLogError` on every output item when the log could not be written.
 */
export async function executeWithOpsLog(
	ctx: IExecuteFunctions,
	service: ServiceName,
	execute: () => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][]> {
	if (!opsLogEnabled(ctx)) return execute();
	const resource = (() => {
		try {
			return `${String(ctx.getNodeParameter('resource', 0, ''))}.${String(ctx.getNodeParameter('operation', 0, ''))}`;
		} catch {
			return '';
		}
	})();
	const run: OpsLogRun = {
		ctx,
		metrics: new MetricsRecorder({ window: OPS_LOG_MAX_CALLS, forwardTo: globalMetrics }),
		errors: [],
		droppedErrors: 0,
		laterFailures: [],
		service,
		operation: resource,
	};
	runs.set(ctx, run);
	let output: INodeExecutionData[][] | undefined;
	let failure: { error: unknown } | undefined;
	try {
		output = await execute();
	} catch (error) {
		failure = { error };
	} finally {
		runs.delete(ctx);
	}
	if (failure && !(failure.error && typeof failure.error === 'object' && noted.has(failure.error))) {
		run.errors.push(errorRow(run, failure.error, undefined));
	}
	const result = await writeRun(ctx, run);
	if (!result.ok) {
		const message = describeFailure(result);
		try {
			ctx.logger?.warn(message);
		} catch {
			// a logger that cannot log must not fail the node either
		}
		if (output) {
			for (const items of output) for (const item of items) item.json.opsLogError = message;
			warnOnOutput(ctx, message);
		}
	}
	if (failure) throw failure.error;
	return output ?? [];
}
