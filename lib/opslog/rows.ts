import { z } from 'zod';
import { RISK_LEVELS } from '../config';
import type { CallMetric } from '../http/metrics';
import { redact, redactValue } from '../http/redact';

/**
 * Row shapes of the ops log tables (migrations/0001_ops_log_tables.sql), checked before a row is sent so that a
 * row the database would refuse is reported with its field instead of failing a whole batch. The limits mirror
 * the SQL CHECK constraints.
 */

const SERVICE = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const MAX_TEXT = 4000;
const iso = z.string().datetime({ offset: true });
const identity = z.string().trim().min(1).max(320);
const jsonObject = z.record(z.unknown());

/** Where a row came from in n8n. */
export const runContextSchema = z.object({
	workflow_id: z.string().max(200).nullish(),
	workflow_name: z.string().max(200).nullish(),
	execution_id: z.string().max(200).nullish(),
	node_name: z.string().max(200).nullish(),
});
export type RunContext = z.infer<typeof runContextSchema>;

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;

export const integrationLogRowSchema = runContextSchema.extend({
	created_at: iso.optional(),
	service: z.string().regex(SERVICE),
	operation: z.string().max(120).default(''),
	level: z.enum(LOG_LEVELS),
	message: z.string().min(1).max(MAX_TEXT),
	context: jsonObject.default({}),
});
export type IntegrationLogRow = z.input<typeof integrationLogRowSchema>;

export const apiMetricRowSchema = z.object({
	created_at: iso.optional(),
	service: z.string().regex(SERVICE),
	operation: z.string().min(1).max(120),
	method: z.string().regex(/^[A-Z]{3,7}$/),
	status: z.number().int().min(0).max(599),
	ok: z.boolean(),
	duration_ms: z.number().int().min(0),
	retries: z.number().int().min(0),
	rate_limited: z.boolean(),
	workflow_id: z.string().max(200).nullish(),
	execution_id: z.string().max(200).nullish(),
	node_name: z.string().max(200).nullish(),
});
export type ApiMetricRow = z.input<typeof apiMetricRowSchema>;

export const RUN_STATUSES = ['success', 'partial', 'failed'] as const;
const count = z.number().int().min(0).default(0);

export const workflowRunRowSchema = z
	.object({
		workflow_id: z.string().max(200).nullish(),
		workflow_name: z.string().min(1).max(200),
		execution_id: z.string().min(1).max(200),
		pipeline: z.string().min(1).max(120),
		status: z.enum(RUN_STATUSES),
		started_at: iso.nullish(),
		finished_at: iso,
		items_read: count,
		items_created: count,
		items_updated: count,
		items_unchanged: count,
		items_failed: count,
		error_message: z.string().max(MAX_TEXT).nullish(),
		context: jsonObject.default({}),
	})
	.refine((row) => !row.started_at || Date.parse(row.finished_at) >= Date.parse(row.started_at), {
		message: 'finished_at must not be before started_at',
		path: ['finished_at'],
	});
export type WorkflowRunRow = z.input<typeof workflowRunRowSchema>;

export const CHANGE_DECISIONS = ['auto_approved', 'needs_approval', 'approved', 'rejected'] as const;

export const changeApprovalRowSchema = runContextSchema
	.omit({ node_name: true, workflow_name: true })
	.extend({
		change_hash: z.string().regex(/^[0-9a-f]{64}$/),
		maker: identity,
		checker: identity.nullish(),
		decision: z.enum(CHANGE_DECISIONS),
		reason: z.string().max(MAX_TEXT).nullish(),
		reasons: z.array(z.unknown()).default([]),
		risk: z.enum(RISK_LEVELS).nullish(),
		change_type: z.string().max(120).nullish(),
		site_count: z.number().int().min(0).nullish(),
		request_id: z.string().max(200).nullish(),
	})
	.refine((row) => row.decision !== 'approved' || (!!row.checker && row.checker.trim().toLowerCase() !== row.maker.trim().toLowerCase()), {
		message: 'an approval needs a checker who is not the maker',
		path: ['checker'],
	});
export type ChangeApprovalRow = z.input<typeof changeApprovalRowSchema>;

export const CONFIG_CHANGE_ACTIONS = ['requested', 'applied', 'failed', 'rolled_back'] as const;

export const configChangeAuditRowSchema = z.object({
	change_hash: z.string().regex(/^[0-9a-f]{64}$/),
	site_id: identity,
	change_type: z.string().trim().min(1).max(120),
	action: z.enum(CONFIG_CHANGE_ACTIONS),
	actor: identity,
	before_state: z.unknown().optional(),
	after_state: z.unknown().optional(),
	message: z.string().max(MAX_TEXT).nullish(),
	workflow_id: z.string().max(200).nullish(),
	execution_id: z.string().max(200).nullish(),
});
export type ConfigChangeAuditRow = z.input<typeof configChangeAuditRowSchema>;

export const OPS_LOG_TABLES = {
	integration_logs: integrationLogRowSchema,
	api_metrics: apiMetricRowSchema,
	workflow_execution_logs: workflowRunRowSchema,
	change_approvals: changeApprovalRowSchema,
	config_change_audit: configChangeAuditRowSchema,
} as const;
export type OpsLogTable = keyof typeof OPS_LOG_TABLES;

/** Cut a text to what a text column accepts, keeping the start (where the useful part of a message is). */
export function clip(text: string, max = MAX_TEXT): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * What every row goes through before it leaves the process: strings and nested values are redacted (registered
 * secrets, bearer tokens, key=value secrets, keys that name secrets), long texts are clipped.
 */
export function scrubRow<T extends Record<string, unknown>>(row: T, extraSecrets: Iterable<string> = []): T {
	const out = redactValue(row, extraSecrets) as Record<string, unknown>;
	for (const key of ['message', 'error_message', 'reason']) {
		const value = out[key];
		if (typeof value === 'string') out[key] = clip(redact(value, extraSecrets));
	}
	return out as T;
}

/** One api_metrics row per recorded call; `duration_ms` leaves out the time the call waited for the rate limiter. */
export function apiMetricRows(calls: readonly CallMetric[], context: RunContext = {}, at: Date = new Date()): ApiMetricRow[] {
	return calls.map((call) => ({
		created_at: new Date(call.at ?? at.getTime()).toISOString(),
		service: call.service,
		operation: clip(call.operation || 'request', 120),
		method: call.method.toUpperCase(),
		status: call.status,
		ok: call.ok,
		// The service's time (answers, retries, their back-off), not the client's own pacing before the call.
		duration_ms: Math.max(0, Math.round(call.durationMs - call.throttledMs)),
		retries: call.retries,
		rate_limited: call.rateLimited > 0,
		workflow_id: context.workflow_id ?? null,
		execution_id: context.execution_id ?? null,
		node_name: context.node_name ?? null,
	}));
}
