/**
 * Typed errors shared by every service client and node.
 *
 * Each error carries what a user needs to act on it: which service and operation, the HTTP status, the item and
 * field that were wrong, and whether trying again can help. Messages are redacted before they are built (see
 * lib/http/redact), so an error can be shown or logged as is.
 */

export type ServiceName = 'unifi' | 'unifi-network' | 'ninjaone' | 'notion' | 'hubspot' | 'supabase' | 'gate' | 'internal';

export type ErrorKind =
	| 'config'
	| 'validation'
	| 'authentication'
	| 'rate_limit'
	| 'not_found'
	| 'api'
	| 'network'
	| 'sync'
	| 'maker_checker';

export interface ErrorDetails {
	service?: ServiceName;
	operation?: string;
	/** HTTP status of the failed response, when there was one. */
	httpStatus?: number;
	/** The service's own error code (for example Notion's `validation_error`). */
	code?: string;
	/** Index of the input item that failed, when the error belongs to one item. */
	itemIndex?: number;
	/** Dotted path of the offending field or property. */
	field?: string;
	/** What was expected there, in words. */
	expected?: string;
	/** A short, redacted rendering of what was received. */
	received?: string;
	/** Whether the same call may succeed if tried again later. */
	retryable?: boolean;
	/** How long the service asked us to wait, in milliseconds. */
	retryAfterMs?: number;
	/** The service's request/trace id, for support tickets. */
	requestId?: string;
	/** Extra, non-secret explanation shown under the message. */
	description?: string;
	cause?: unknown;
}

export class MspOpsError extends Error {
	readonly kind: ErrorKind = 'api';
	readonly service?: ServiceName;
	readonly operation?: string;
	readonly httpStatus?: number;
	readonly code?: string;
	itemIndex?: number;
	readonly field?: string;
	readonly expected?: string;
	readonly received?: string;
	readonly retryable: boolean;
	readonly retryAfterMs?: number;
	readonly requestId?: string;
	readonly description?: string;

	constructor(message: string, details: ErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = new.target.name;
		this.service = details.service;
		this.operation = details.operation;
		this.httpStatus = details.httpStatus;
		this.code = details.code;
		this.itemIndex = details.itemIndex;
		this.field = details.field;
		this.expected = details.expected;
		this.received = details.received;
		this.retryable = details.retryable ?? false;
		this.retryAfterMs = details.retryAfterMs;
		this.requestId = details.requestId;
		this.description = details.description;
	}

	/** A plain object for n8n's error output and for logs (never contains secrets). */
	toJSON(): Record<string, unknown> {
		const out: Record<string, unknown> = { name: this.name, kind: this.kind, message: this.message };
		for (const key of [
			'service',
			'operation',
			'httpStatus',
			'code',
			'itemIndex',
			'field',
			'expected',
			'received',
			'retryable',
			'retryAfterMs',
			'requestId',
			'description',
		] as const) {
			if (this[key] !== undefined) out[key] = this[key];
		}
		return out;
	}
}

/** A parameter or credential is missing or unusable; fix the node settings. */
export class ConfigError extends MspOpsError {
	override readonly kind = 'config' as const;
}

/** Data (user input or a service payload) did not match what was expected. */
export class ValidationError extends MspOpsError {
	override readonly kind = 'validation' as const;
}

/** The service rejected the credentials (401/403). */
export class AuthenticationError extends MspOpsError {
	override readonly kind = 'authentication' as const;
}

/** The service said "too many requests" and we ran out of retries. */
export class RateLimitError extends MspOpsError {
	override readonly kind = 'rate_limit' as const;
	constructor(message: string, details: ErrorDetails = {}) {
		super(message, { retryable: true, ...details });
	}
}

export class NotFoundError extends MspOpsError {
	override readonly kind = 'not_found' as const;
}

/** Any other error response from a service. */
export class ApiError extends MspOpsError {
	override readonly kind = 'api' as const;
}

/** The request never got an HTTP answer: timeout, reset, refused. */
export class NetworkError extends MspOpsError {
	override readonly kind = 'network' as const;
}

/** A sync could not reconcile source and target (for example two Notion rows share a key). */
export class SyncError extends MspOpsError {
	override readonly kind = 'sync' as const;
}

/** A maker/checker rule blocked a change (bulk without approval, reserved VLAN, missing rollback plan). */
export class MakerCheckerError extends MspOpsError {
	override readonly kind = 'maker_checker' as const;
}

export function isMspOpsError(error: unknown): error is MspOpsError {
	return error instanceof MspOpsError;
}

/** Build the right error class for an HTTP error status. */
export function errorForStatus(status: number, message: string, details: ErrorDetails = {}): MspOpsError {
	const withStatus = { httpStatus: status, ...details };
	if (status === 401 || status === 403) return new AuthenticationError(message, { retryable: false, ...withStatus });
	if (status === 404) return new NotFoundError(message, { retryable: false, ...withStatus });
	if (status === 429) return new RateLimitError(message, withStatus);
	if (status === 400 || status === 409 || status === 422) {
		return new ApiError(message, { retryable: status === 409, ...withStatus });
	}
	return new ApiError(message, { retryable: status >= 500, ...withStatus });
}
