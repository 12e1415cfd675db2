import { Redis, type RedisOptions } from 'ioredis';
import { processRateLimitStoreSettings, warnOperator, type RateLimitStoreSettings, type RedisSettings } from './rateLimitEnv';
import { InOrder } from './inOrder';
import type { RateLimiter, RateLimitSpec, TokenBucket } from './rateLimiter';
import type { WindowSpec } from './slidingWindow';
import { redact, registerSecret } from './redact';
import { sleep as configuredSleep, type Sleep } from './timers';

/**
 * Rate-limit buckets shared by every n8n process through Redis (docs/rate-limits.md).
 *
 * In queue mode each worker is its own process; with in-process buckets two workers syncing with one Notion token
 * each pace at the full rate and the service sees twice its limit. Here the pacing state of a bucket (GCRA: the
 * "theoretical arrival time" of the next call, which also carries Retry-After pauses) is one Redis key, taken with
 * one atomic script per turn that answers "go" or "wait n ms". The time comes from Redis (`TIME`), so the workers'
 * clocks do not matter.
 *
 * The rate itself still adapts per process (AIMD in the in-process `TokenBucket`): each turn hands the script this
 * process's current rate, so a worker that was answered 429 spaces its own turns further apart in the shared
 * schedule, and the pause it sets on a 429 holds every worker. When Redis is unreachable or errs, the call is paced by
 * the in-process bucket instead: pacing per process still holds and the adaptation absorbs the extra 429s; a sync
 * never waits on or fails because of Redis.
 */

/**
 * What both scripts start with: ARGV[1] ms between calls, ARGV[2] burst, ARGV[3] now in ms, or empty for the Redis
 * server's clock (so the workers' clocks do not matter).
 */
const SCRIPT_PREAMBLE = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  -- Redis 3.2 to 4 replicate whole scripts unless told otherwise, and refuse writes after TIME; 5+ replicate effects.
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
`;

/**
 * One turn: ARGV = ms between calls, burst, now in ms (empty: the server's clock), window limit (0: no window),
 * window ms. Answers 0 (taken) or the ms to wait before asking again. KEYS[1] holds the time at which the bucket is
 * empty again if no call comes (the GCRA theoretical arrival time, ms as text); it expires when that has passed, as
 * the state then equals a full bucket. KEYS[2], with a window, is a sorted set of the send times in the last window
 * (member: time and count, unique because the count grows while the time stands still).
 */
const ACQUIRE_SCRIPT = `${SCRIPT_PREAMBLE}local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allowAt = tat + interval - burst * interval
if allowAt > now then
  return math.max(1, math.ceil(allowAt - now))
end
local limit = tonumber(ARGV[4]) or 0
if limit > 0 then
  local windowMs = tonumber(ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - windowMs)
  local count = redis.call('ZCARD', KEYS[2])
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return math.max(1, math.ceil(tonumber(oldest[2]) + windowMs - now))
  end
  redis.call('ZADD', KEYS[2], now, string.format('%.3f#%d', now, count))
  redis.call('PEXPIRE', KEYS[2], math.ceil(windowMs) + 1000)
end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return 0
`;

/**
 * A pause: ARGV = ms between calls, burst, now in ms (or empty), pause in ms. No turn is given before now + pause,
 * and the bucket restarts empty then (as `TokenBucket.pause`). A shorter pause does not shorten a longer one.
 */
const PAUSE_SCRIPT = `${SCRIPT_PREAMBLE}local target = now + tonumber(ARGV[4]) + burst * interval
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if target > tat then
  redis.call('SET', KEYS[1], string.format('%.3f', target), 'PX', math.ceil(target - now) + 1000)
end
return 0
`;

/** Upper bound for one Redis command (connecting included): past it the call is paced in process. */
const COMMAND_TIMEOUT_MS = 2_000;
/** After the client gave up reconnecting, the next attempt to reach Redis waits this long. */
const RECONNECT_COOL_DOWN_MS = 30_000;

interface ScriptedRedis extends Redis {
	mspOpsAcquire(key: string, windowKey: string, intervalMs: string, burst: string, nowMs: string, windowLimit: string, windowMs: string): Promise<number>;
	mspOpsPause(key: string, intervalMs: string, burst: string, nowMs: string, pauseMs: string): Promise<number>;
}

export interface StoreStatus {
	store: 'redis' | 'process';
	/** Why this store (which setting chose it). */
	reason: string;
	/** Where Redis is, without credentials (`host:port/db` or the URL's host). */
	redis?: string;
	/** Turns paced in process because Redis was unavailable. */
	fallbacks: number;
	/** The last Redis problem, redacted. */
	lastProblem?: string;
}

export interface RedisStoreOptions {
	/** Tell the operator about a problem (once per outage). Default: a process warning. */
	warn?: (message: string) => void;
	/** The process clock, for the reconnect cool-down. */
	now?: () => number;
}

/** The Redis connection of this process (one per process, created on first use) and the scripts on it. */
export class RedisRateLimitStore {
	private client: ScriptedRedis | undefined;
	/** Set while Redis is known to be unreachable: calls go straight to the in-process bucket. */
	private down = false;
	private reconnectAt = 0;
	private inFlight = 0;
	private warned = false;
	private readonly secrets: string[];
	private readonly warn: (message: string) => void;
	private readonly now: () => number;
	fallbacks = 0;
	lastProblem: string | undefined;

	constructor(
		private readonly settings: RedisSettings,
		readonly keyPrefix: string,
		options: RedisStoreOptions = {},
	) {
		this.warn = options.warn ?? warnOperator;
		this.now = options.now ?? Date.now;
		this.secrets = [settings.password, settings.username, ...urlSecrets(settings.url)].filter((s): s is string => !!s);
		for (const secret of this.secrets) registerSecret(secret);
	}

	/** Where Redis is, for messages: never the password or the user name. */
	get location(): string {
		if (this.settings.url) {
			try {
				const url = new URL(this.settings.url);
				return `${url.protocol}//${url.host}${url.pathname}`;
			} catch {
				return 'the Redis URL in MSP_OPS_RATE_LIMIT_REDIS_URL';
			}
		}
		return `${this.settings.host}:${this.settings.port}/${this.settings.db}`;
	}

	/** The key of bucket `name` of `service` + `credential` (a hash, never the secret). */
	key(service: string, credential: string, name: string): string {
		return `${this.keyPrefix}:${service}:${credential}:${name}`;
	}

	/** Take a turn: 0 = go, n = wait n ms and ask again, undefined = Redis unavailable (pace in process). */
	acquire(key: string, intervalMs: number, burst: number, nowMs?: number, window?: WindowSpec): Promise<number | undefined> {
		return this.run((client) =>
			client.mspOpsAcquire(key, `${key}:window`, String(intervalMs), String(burst), nowMs === undefined ? '' : String(nowMs), String(window?.limit ?? 0), String(window?.windowMs ?? 0)),
		);
	}

	/** Pause the bucket for everyone; resolves false when Redis was unavailable. */
	async pause(key: string, intervalMs: number, burst: number, pauseMs: number, nowMs?: number): Promise<boolean> {
		const done = await this.run((client) =>
			client.mspOpsPause(key, String(intervalMs), String(burst), nowMs === undefined ? '' : String(nowMs), String(Math.max(0, Math.ceil(pauseMs)))),
		);
		return done !== undefined;
	}

	/** Close the connection (tests; a process that ends does not need it). A later call connects again. */
	async close(): Promise<void> {
		const client = this.client;
		this.client = undefined;
		this.down = false;
		this.reconnectAt = 0;
		if (!client) return;
		try {
			if (client.status === 'ready') await client.quit();
			else client.disconnect();
		} catch {
			client.disconnect();
		}
	}

	private async run<T>(command: (client: ScriptedRedis) => Promise<T>): Promise<T | undefined> {
		const client = this.connection();
		if (!client) {
			this.fallbacks += 1;
			return undefined;
		}
		this.hold(client, +1);
		try {
			return await command(client);
		} catch (error) {
			this.fallbacks += 1;
			this.failed(error);
			// A Redis that accepts the connection but does not answer never reports an error on the socket: drop the
			// client so the next attempt, after the cool-down, starts afresh.
			this.drop(client);
			return undefined;
		} finally {
			this.hold(client, -1);
		}
	}

	private drop(client: ScriptedRedis): void {
		if (this.client !== client) return;
		this.client = undefined;
		this.reconnectAt = this.now() + RECONNECT_COOL_DOWN_MS;
		client.disconnect();
	}

	private connection(): ScriptedRedis | undefined {
		if (this.client?.status === 'end') {
			this.client = undefined;
			this.reconnectAt = this.now() + RECONNECT_COOL_DOWN_MS;
		}
		if (this.client) return this.down ? undefined : this.client;
		if (this.now() < this.reconnectAt) return undefined;
		this.down = false;
		const client = this.createClient();
		this.client = client;
		return client;
	}

	private createClient(): ScriptedRedis {
		const options: RedisOptions = {
			connectTimeout: COMMAND_TIMEOUT_MS,
			commandTimeout: COMMAND_TIMEOUT_MS,
			maxRetriesPerRequest: 1,
			// A few quick reconnects, then give up ('end'); `connection()` tries again after the cool-down. A client
			// that reconnected forever would keep a timer (and a short-lived process) alive.
			retryStrategy: (times) => (times > 3 ? null : Math.min(times * 200, 1_000)),
			enableReadyCheck: true,
			lazyConnect: false,
			connectionName: 'msp-ops-rate-limit',
			// Closing a client whose socket already failed leaves a timer this long: keep it short.
			disconnectTimeout: 200,
		};
		const { url, host, port, db, username, password, tls } = this.settings;
		const client = (url ? new Redis(url, options) : new Redis({ ...options, host, port, db, username, password, tls: tls ? {} : undefined })) as ScriptedRedis;
		client.defineCommand('mspOpsAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
		client.defineCommand('mspOpsPause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
		// Events of a client already dropped say nothing about the current one.
		client.on('error', (error: unknown) => {
			if (this.client === client) this.failed(error);
		});
		client.on('ready', () => {
			if (this.client !== client) return;
			this.down = false;
			this.warned = false;
		});
		// The socket alone must not keep a process alive (an `n8n execute` run, a test): it holds the event loop
		// only while a command waits for its answer.
		client.on('connect', () => {
			if (this.inFlight === 0) client.stream?.unref?.();
		});
		return client;
	}

	private hold(client: ScriptedRedis, delta: number): void {
		this.inFlight += delta;
		const stream = client.stream as { ref?: () => void; unref?: () => void } | undefined;
		if (this.inFlight > 0) stream?.ref?.();
		else stream?.unref?.();
	}

	private failed(error: unknown): void {
		this.down = true;
		const message = error instanceof Error ? error.message : String(error);
		this.lastProblem = redact(message, this.secrets);
		if (this.warned) return;
		this.warned = true;
		this.warn(
			`n8n-nodes-msp-ops: the shared rate-limit store (Redis at ${this.location}) is unavailable (${this.lastProblem}); ` +
				'API calls are paced per process until it is back, so workers sharing a credential may see more 429 answers.',
		);
	}
}

function urlSecrets(url: string | undefined): string[] {
	if (!url) return [];
	try {
		const parsed = new URL(url);
		return [decodeURIComponent(parsed.password), decodeURIComponent(parsed.username), parsed.password, parsed.username].filter((s) => s.length > 0);
	} catch {
		// An unparsable URL may still hold a password: mask the whole value.
		return [url];
	}
}

export interface SharedRateLimiterOptions {
	sleep?: Sleep;
	/** The process clock, for `waitedMs`. */
	now?: () => number;
	/** Time handed to the scripts instead of Redis' own clock (tests with a fake clock). */
	storeClock?: () => number;
}

/** A bucket whose pacing state is in Redis; the in-process bucket adapts the rate and paces when Redis is not there. */
export class SharedRateLimiter implements RateLimiter {
	private readonly queue = new InOrder();
	private sharedWaitedMs = 0;
	private readonly sleep: Sleep;
	private readonly now: () => number;
	private readonly storeClock: (() => number) | undefined;
	/** The last pause write, for callers that must know it reached Redis (tests). */
	private pauseWritten: Promise<boolean> = Promise.resolve(true);

	constructor(
		readonly local: TokenBucket,
		private readonly store: RedisRateLimitStore,
		readonly key: string,
		options: SharedRateLimiterOptions = {},
	) {
		this.sleep = options.sleep ?? configuredSleep;
		this.now = options.now ?? Date.now;
		this.storeClock = options.storeClock;
	}

	get requestsPerSecond(): number {
		return this.local.requestsPerSecond;
	}

	get configuredRequestsPerSecond(): number {
		return this.local.configuredRequestsPerSecond;
	}

	get capacity(): number {
		return this.local.capacity;
	}

	get waitedMs(): number {
		return this.sharedWaitedMs + this.local.waitedMs;
	}

	get cuts(): number {
		return this.local.cuts;
	}

	configure(spec: RateLimitSpec): void {
		this.local.configure(spec);
	}

	succeeded(ticket: number): void {
		this.local.succeeded(ticket);
	}

	rateLimited(ticket: number): void {
		this.local.rateLimited(ticket);
	}

	/** Pause every process sharing the bucket (and this process's own bucket, which paces if Redis goes away). */
	pause(ms: number): void {
		this.local.pause(ms);
		this.pauseWritten = this.store.pause(this.key, this.intervalMs(), this.local.capacity, ms, this.storeClock?.());
	}

	/** Resolves when the last pause reached Redis (true) or could not (false). */
	pauseSettled(): Promise<boolean> {
		return this.pauseWritten;
	}

	acquire(): Promise<number> {
		return this.queue.run(() => this.take());
	}

	private intervalMs(): number {
		return 1000 / this.local.requestsPerSecond;
	}

	private async take(): Promise<number> {
		const started = this.now();
		for (;;) {
			const wait = await this.store.acquire(this.key, this.intervalMs(), this.local.capacity, this.storeClock?.(), this.local.window);
			if (wait === undefined) {
				this.sharedWaitedMs += this.now() - started;
				return this.local.acquire();
			}
			if (wait <= 0) {
				this.sharedWaitedMs += this.now() - started;
				return this.local.issueTicket();
			}
			await this.sleep(wait);
		}
	}
}

let settings: RateLimitStoreSettings | undefined;
let store: RedisRateLimitStore | undefined;

function currentStore(): RedisRateLimitStore | undefined {
	if (!settings) {
		settings = processRateLimitStoreSettings();
		if (settings.store === 'redis') store = new RedisRateLimitStore(settings.redis, settings.keyPrefix);
	}
	return store;
}

/** The shared form of an in-process bucket when this process shares buckets through Redis; else undefined. */
export function sharedRateLimiter(local: TokenBucket, service: string, credential: string, name: string): SharedRateLimiter | undefined {
	const shared = currentStore();
	return shared ? new SharedRateLimiter(local, shared, shared.key(service, credential, name)) : undefined;
}

/**
 * Use `next` instead of the settings from the environment (tests), or go back to the environment (`undefined`).
 * Buckets created before keep the store they have: call `resetRateLimiters()` too.
 */
export async function useRateLimitStore(next: RateLimitStoreSettings | undefined, options: RedisStoreOptions = {}): Promise<void> {
	await closeRateLimitStore();
	settings = next;
	store = next?.store === 'redis' ? new RedisRateLimitStore(next.redis, next.keyPrefix, options) : undefined;
}

/** Close this process's Redis connection, if any (tests, and a process that wants to exit cleanly). */
export async function closeRateLimitStore(): Promise<void> {
	await store?.close();
}

/** Which store the buckets of this process use, and how it fared. */
export function rateLimitStoreStatus(): StoreStatus {
	const current = currentStore();
	const chosen = settings ?? { store: 'process' as const, reason: 'not decided' };
	return {
		store: current ? 'redis' : 'process',
		reason: chosen.reason,
		redis: current?.location,
		fallbacks: current?.fallbacks ?? 0,
		lastProblem: current?.lastProblem,
	};
}
