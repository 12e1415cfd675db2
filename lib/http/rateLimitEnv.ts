/**
 * Where rate-limit buckets live, read from the environment of the n8n process (docs/rate-limits.md). This is the
 * one file of the rate limiter that touches `process`: the settings are n8n's own queue-mode variables, which a
 * node cannot get any other way, plus two of this package.
 */

/** How to reach the Redis that holds the shared buckets. */
export interface RedisSettings {
	/** `redis://` or `rediss://` URL (MSP_OPS_RATE_LIMIT_REDIS_URL); when set, the fields below are not used. */
	url?: string;
	host: string;
	port: number;
	db: number;
	username?: string;
	password?: string;
	tls: boolean;
}

export type RateLimitStoreSettings =
	| { store: 'process'; reason: string }
	| { store: 'redis'; redis: RedisSettings; keyPrefix: string; reason: string };

export type Environment = Readonly<Record<string, string | undefined>>;

/** Package-specific part of the key prefix, after n8n's QUEUE_BULL_PREFIX. */
export const KEY_PREFIX_SUFFIX = 'msp-ops:rate-limit';

function text(value: string | undefined): string | undefined {
	const trimmed = value?.trim();
	return trimmed ? trimmed : undefined;
}

function integer(value: string | undefined, fallback: number): number {
	const trimmed = text(value);
	return trimmed !== undefined && /^\d+$/.test(trimmed) ? Number(trimmed) : fallback;
}

/**
 * The store the buckets of this process use:
 * - MSP_OPS_RATE_LIMIT_STORE=process: in process, always;
 * - MSP_OPS_RATE_LIMIT_STORE=redis, or MSP_OPS_RATE_LIMIT_REDIS_URL set, or EXECUTIONS_MODE=queue: Redis, at
 *   MSP_OPS_RATE_LIMIT_REDIS_URL if set, else where n8n's queue is (QUEUE_BULL_REDIS_HOST/_PORT/_DB/_USERNAME/
 *   _PASSWORD/_TLS, n8n's defaults localhost/6379/0);
 * - otherwise in process, as n8n's regular mode runs every execution in one process.
 * Keys start with `<QUEUE_BULL_PREFIX or bull>:msp-ops:rate-limit`.
 */
export function rateLimitStoreSettings(env: Environment): RateLimitStoreSettings {
	const choice = text(env.MSP_OPS_RATE_LIMIT_STORE)?.toLowerCase();
	const url = text(env.MSP_OPS_RATE_LIMIT_REDIS_URL);
	const queueMode = text(env.EXECUTIONS_MODE) === 'queue';
	if (choice === 'process') return { store: 'process', reason: 'MSP_OPS_RATE_LIMIT_STORE=process' };
	const unknownChoice = choice !== undefined && choice !== 'redis' ? ` (MSP_OPS_RATE_LIMIT_STORE="${choice}" is neither redis nor process, ignored)` : '';
	const reason =
		choice === 'redis' ? 'MSP_OPS_RATE_LIMIT_STORE=redis' : url ? 'MSP_OPS_RATE_LIMIT_REDIS_URL is set' : queueMode ? 'EXECUTIONS_MODE=queue' : undefined;
	if (!reason) return { store: 'process', reason: `not in n8n queue mode${unknownChoice}` };
	const keyPrefix = `${text(env.QUEUE_BULL_PREFIX) ?? 'bull'}:${KEY_PREFIX_SUFFIX}`;
	if (url) return { store: 'redis', redis: { url, host: '', port: 0, db: 0, tls: url.startsWith('rediss:') }, keyPrefix, reason: reason + unknownChoice };
	if (text(env.QUEUE_BULL_REDIS_CLUSTER_NODES)) {
		return {
			store: 'process',
			reason: `n8n uses a Redis Cluster (QUEUE_BULL_REDIS_CLUSTER_NODES), which the shared rate limit does not support: set MSP_OPS_RATE_LIMIT_REDIS_URL to a single Redis${unknownChoice}`,
		};
	}
	return {
		store: 'redis',
		redis: {
			host: text(env.QUEUE_BULL_REDIS_HOST) ?? 'localhost',
			port: integer(env.QUEUE_BULL_REDIS_PORT, 6379),
			db: integer(env.QUEUE_BULL_REDIS_DB, 0),
			username: text(env.QUEUE_BULL_REDIS_USERNAME),
			password: env.QUEUE_BULL_REDIS_PASSWORD || undefined,
			tls: text(env.QUEUE_BULL_REDIS_TLS)?.toLowerCase() === 'true',
		},
		keyPrefix,
		reason: reason + unknownChoice,
	};
}

/** The settings for this process, from its environment. */
export function processRateLimitStoreSettings(): RateLimitStoreSettings {
	return rateLimitStoreSettings(process.env);
}

/** Tell the operator once about a limiter problem: a process warning, which n8n prints to its log output. */
export function warnOperator(message: string): void {
	process.emitWarning(message, { code: 'MSP_OPS_RATE_LIMIT_STORE' });
}
