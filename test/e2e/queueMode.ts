/**
 * n8n in queue mode for the e2e tests: a fresh PostgreSQL database and a Redis key space of its own per run (the local
 * servers on loopback; installed with apt-get when missing and the tests run as root, otherwise a clear error), the
 * environment every n8n process of the instance needs, and a main (`n8n start`) with workers (`n8n worker`) on one
 * user folder. See docs/queue-mode.md for what each variable does and test/e2e/README.md for the API.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import type { N8nInstance, ServerHandle, WorkerHandle } from './harness';

/** Where the local PostgreSQL and Redis listen (loopback; `E2E_POSTGRES_*` / `E2E_REDIS_*` override). */
export interface LocalServices {
	postgres: { host: string; port: number; user: string; password: string };
	redis: { host: string; port: number };
}

function localServices(): LocalServices {
	return {
		postgres: {
			host: process.env.E2E_POSTGRES_HOST ?? '127.0.0.1',
			port: Number(process.env.E2E_POSTGRES_PORT ?? 5432),
			user: process.env.E2E_POSTGRES_USER ?? 'postgres',
			password: process.env.E2E_POSTGRES_PASSWORD ?? '',
		},
		redis: { host: process.env.E2E_REDIS_HOST ?? '127.0.0.1', port: Number(process.env.E2E_REDIS_PORT ?? 6379) },
	};
}

function sh(command: string, args: string[], input?: string): { ok: boolean; out: string } {
	const res = spawnSync(command, args, { encoding: 'utf8', input, timeout: 10 * 60_000 });
	return { ok: res.status === 0, out: `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? String(res.error) : ''}` };
}

const postgresReady = (s: LocalServices) => sh('pg_isready', ['-h', s.postgres.host, '-p', String(s.postgres.port)]).ok;
const redisReady = (s: LocalServices) => sh('redis-cli', ['-h', s.redis.host, '-p', String(s.redis.port), 'ping']).out.includes('PONG');

/**
 * Installs (apt-get, as root on Debian/Ubuntu, the CI image) and starts what is missing. Anything else (not root, no
 * apt-get, a server that still does not answer) is an error that says what to provide: a queue-mode test never skips.
 */
function installAndStart(what: 'postgres' | 'redis', s: LocalServices): void {
	const where = what === 'postgres' ? `PostgreSQL on ${s.postgres.host}:${s.postgres.port}` : `Redis on ${s.redis.host}:${s.redis.port}`;
	const advice = `start ${where} (or set E2E_${what === 'postgres' ? 'POSTGRES' : 'REDIS'}_HOST/PORT${what === 'postgres' ? '/USER/PASSWORD' : ''})`;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot || !sh('sh', ['-c', 'command -v apt-get']).ok) throw new Error(`queue-mode tests need ${where}, which does not answer; ${advice}`);
	const local = what === 'postgres' ? s.postgres.host === '127.0.0.1' || s.postgres.host === 'localhost' : s.redis.host === '127.0.0.1' || s.redis.host === 'localhost';
	if (!local) throw new Error(`queue-mode tests need ${where}, which does not answer; ${advice}`);
	const pkgs = what === 'postgres' ? ['postgresql', 'postgresql-client'] : ['redis-server', 'redis-tools'];
	const env = 'DEBIAN_FRONTEND=noninteractive';
	const install = sh('sh', ['-c', `${env} apt-get update -q && ${env} apt-get install -y -q --no-install-recommends ${pkgs.join(' ')}`]);
	if (!install.ok) throw new Error(`apt-get install ${pkgs.join(' ')} failed; ${advice}:\n${install.out.slice(-2000)}`);
	// The package's install script may have started the server already (then a second start fails, harmlessly):
	// what counts is whether it answers afterwards.
	const started =
		what === 'redis'
			? sh('redis-server', ['--daemonize', 'yes', '--bind', s.redis.host, '--port', String(s.redis.port), '--save', ''])
			: sh('sh', ['-c', 'for v in $(ls /etc/postgresql); do pg_ctlcluster "$v" main start; done']);
	let ready = false;
	for (let i = 0; i < 30 && !ready; i++) {
		ready = what === 'postgres' ? postgresReady(s) : redisReady(s);
		if (!ready) spawnSync('sleep', ['1']);
	}
	if (!ready) throw new Error(`${where} still does not answer after installing ${pkgs.join(' ')}; ${advice}:\n${started.out.slice(-1000)}`);
	if (what === 'postgres') {
		// Debian's cluster authenticates loopback connections by password: give the role the one the tests use.
		s.postgres.password ||= randomBytes(12).toString('hex');
		process.env.E2E_POSTGRES_PASSWORD = s.postgres.password;
		const role = sh('runuser', ['-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-q'], `ALTER USER ${s.postgres.user} PASSWORD '${s.postgres.password}';\n`);
		if (!role.ok) throw new Error(`setting the ${s.postgres.user} password failed: ${role.out.slice(-1000)}`);
	}
}

/** The local PostgreSQL and Redis, answering (`pg_isready`, `redis-cli ping`); installs and starts them if not. */
export function ensureLocalServices(): LocalServices {
	const s = localServices();
	if (!postgresReady(s)) installAndStart('postgres', s);
	if (!redisReady(s)) installAndStart('redis', s);
	return s;
}

/** A database and a Redis key space that belong to one test run, and the n8n environment that points at them. */
export interface QueueBackends {
	/** For every n8n process of the instance (CLI commands too): PostgreSQL, queue mode, Redis, one encryption key. */
	env: Record<string, string>;
	database: string;
	redisDb: number;
	redisPrefix: string;
	/** Drops the database and deletes the run's Redis keys (n8n's queue and cache, the package's rate-limit buckets). */
	cleanup(): Promise<void>;
}

async function pgAdmin<T>(s: LocalServices, fn: (client: Client) => Promise<T>): Promise<T> {
	const client = new Client({ ...s.postgres, database: 'postgres' });
	await client.connect().catch((error: unknown) => {
		throw new Error(
			`connecting to PostgreSQL at ${s.postgres.host}:${s.postgres.port} as ${s.postgres.user} failed (${error instanceof Error ? error.message : String(error)}): set E2E_POSTGRES_USER / E2E_POSTGRES_PASSWORD to a role that may create databases`,
		);
	});
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/**
 * `CREATE DATABASE n8n_e2e_<random>` on the local PostgreSQL, a random Redis db (1-15) and `QUEUE_BULL_PREFIX`, and
 * `N8N_ENCRYPTION_KEY` shared by the main and the workers. Pass `env` to `createN8nInstance(…, { env })` before the
 * first n8n command, so credentials and workflows are imported into that database.
 */
export async function createQueueBackends(): Promise<QueueBackends> {
	const s = ensureLocalServices();
	const suffix = randomBytes(6).toString('hex');
	const database = `n8n_e2e_${suffix}`;
	await pgAdmin(s, (c) => c.query(`CREATE DATABASE ${database}`));
	const redisDb = 1 + (randomBytes(1)[0] % 15);
	const redisPrefix = `msp-ops-e2e-${suffix}`;
	const env: Record<string, string> = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: s.postgres.host,
		DB_POSTGRESDB_PORT: String(s.postgres.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: s.postgres.user,
		DB_POSTGRESDB_PASSWORD: s.postgres.password,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: s.redis.host,
		QUEUE_BULL_REDIS_PORT: String(s.redis.port),
		QUEUE_BULL_REDIS_DB: String(redisDb),
		QUEUE_BULL_PREFIX: redisPrefix,
		// n8n's own cache goes to the same Redis in queue mode, under `n8n:` unless told otherwise.
		N8N_REDIS_KEY_PREFIX: redisPrefix,
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
	return {
		env,
		database,
		redisDb,
		redisPrefix,
		cleanup: async () => {
			await pgAdmin(s, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
			const cli = ['-h', s.redis.host, '-p', String(s.redis.port), '-n', String(redisDb)];
			const keys = sh('redis-cli', [...cli, '--scan', '--pattern', `${redisPrefix}*`]).out.split('\n').filter(Boolean);
			for (let i = 0; i < keys.length; i += 500) sh('redis-cli', [...cli, 'UNLINK', ...keys.slice(i, i + 500)]);
		},
	};
}

/** A running main and its workers. */
export interface QueueCluster {
	main: ServerHandle;
	workers: WorkerHandle[];
	/** The Bull job the main put `executionId` on (its log line "Enqueued execution <id> (job <job>)"), or undefined. */
	enqueuedJob(executionId: string): string | undefined;
	/** The workers whose log says they ran `executionId` ("Worker started execution <id> (job <job>)"), with the job. */
	ranOn(executionId: string): Array<{ worker: number; job: string }>;
	stop(): Promise<void>;
}

/**
 * Starts the main (`n8n start` with `OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true`, so runs started from the editor or
 * `runManually` go to the queue too) and `workers` workers (`--concurrency`, default 10), all at once: the database
 * was migrated by the import commands before. The instance must have been created with `createQueueBackends().env`.
 * Workflows that run on a schedule must be published before.
 */
export async function startQueueMode(n8n: N8nInstance, opts: { workers?: number; concurrency?: number } = {}): Promise<QueueCluster> {
	const [main, ...workers] = await Promise.all([
		n8n.startServer({ env: { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' } }),
		...Array.from({ length: opts.workers ?? 2 }, () => n8n.startWorker({ concurrency: opts.concurrency })),
	]);
	return {
		main,
		workers,
		enqueuedJob: (id) => new RegExp(`Enqueued execution ${id} \\(job (\\w+)\\)`).exec(n8n.serverLog())?.[1],
		ranOn: (id) =>
			workers.flatMap((w, worker) => {
				const job = new RegExp(`Worker started execution ${id} \\(job (\\w+)\\)`).exec(w.log())?.[1];
				return job ? [{ worker, job }] : [];
			}),
		stop: async () => {
			await n8n.stopWorkers();
			await n8n.stopServer();
		},
	};
}
