/**
 * Real-n8n e2e harness: pack this package, install it into a fresh n8n user folder the way the Community Nodes
 * installer does, and drive the pinned n8n hosts (test/e2e/hosts.ts) headless (`n8n import:*`, `n8n execute`)
 * or as a server (`n8n start`). See test/e2e/README.md for the API and the environment variables.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { withLoopbackNoProxy } from '../sandbox/loopbackNoProxy';
import { ensureHost, hostVersions, run, withLock, type HostVersion, type N8nHost } from './hosts';

export { hostVersions, ensureHost, type HostVersion, type N8nHost };

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Root of the harness's temp files: packed tarballs, installed-package caches, n8n user folders. */
export function e2eTmpDir(): string {
	const dir = process.env.E2E_TMP_DIR;
	if (!dir) return accountTmpDir(os.tmpdir());
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** What makes an existing directory unfit for this account's packages and n8n user folders, if anything. */
export function ownershipProblem(stat: Pick<fs.Stats, 'isDirectory' | 'isSymbolicLink' | 'uid' | 'mode'>, uid: number | undefined): string | undefined {
	if (stat.isSymbolicLink()) return 'is a symlink';
	if (!stat.isDirectory()) return 'is not a directory';
	if (uid !== undefined && stat.uid !== uid) return `belongs to another account (uid ${stat.uid})`;
	if ((stat.mode & 0o022) !== 0) return 'others may write to it';
	return undefined;
}

/**
 * `<base>/n8n-nodes-msp-ops-e2e-<uid>`, mode 700. Per account: under a temp dir several accounts share, a dir
 * root made is not writable for a normal user, and n8n must not load packages another account could put there.
 */
export function accountTmpDir(base: string, name = 'n8n-nodes-msp-ops-e2e'): string {
	const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
	const dir = path.join(base, uid === undefined ? name : `${name}-${uid}`);
	try {
		fs.mkdirSync(dir, { mode: 0o700 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	const problem = ownershipProblem(fs.lstatSync(dir), uid);
	if (problem) throw new Error(`${dir} ${problem}: remove it, or set E2E_TMP_DIR to a directory of your own`);
	return dir;
}

/** The package under test: this repo, or `E2E_PACKAGE_DIR` (for example a scratch copy while developing). */
export function packageDir(): string {
	return process.env.E2E_PACKAGE_DIR ? path.resolve(process.env.E2E_PACKAGE_DIR) : REPO_ROOT;
}

export interface PackageManifest {
	name: string;
	version: string;
	n8n: { n8nNodesApiVersion?: number; nodes?: string[]; credentials?: string[] };
	[key: string]: unknown;
}

export function readManifest(dir = packageDir()): PackageManifest {
	return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

function sha256File(file: string): string {
	return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function quietEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env, SCARF_ANALYTICS: 'false', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
	// An outer `npm run test:e2e` exports npm_package_* / lifecycle settings; keep them out of child npm runs.
	for (const key of Object.keys(env)) {
		if (/^npm_(package|lifecycle)_/.test(key) || key === 'npm_config_local_prefix' || key === 'INIT_CWD') delete env[key as keyof typeof env];
	}
	return env;
}

let packedInProcess: string | undefined;

/**
 * Builds (`npm run build`, unless `E2E_SKIP_BUILD=1`) and packs (`npm pack`) the package once per test run and
 * returns the tarball path. The jest globalSetup calls it and exports `E2E_PACKAGE_TARBALL`, so every test file
 * (and worker) of the run reuses the same tarball; set `E2E_PACKAGE_TARBALL` yourself to test a given tarball.
 */
export async function packPackage(): Promise<string> {
	const given = process.env.E2E_PACKAGE_TARBALL;
	if (given && fs.existsSync(given)) return given;
	if (packedInProcess && fs.existsSync(packedInProcess)) return packedInProcess;
	const dir = packageDir();
	const outRoot = path.join(e2eTmpDir(), 'packs');
	fs.mkdirSync(outRoot, { recursive: true });
	const tarball = await withLock(path.join(outRoot, '.pack.lock'), async () => {
		const logFile = path.join(outRoot, 'pack.log');
		fs.writeFileSync(logFile, '');
		if (process.env.E2E_SKIP_BUILD !== '1') {
			await run('npm', ['run', 'build'], { cwd: dir, env: quietEnv(), logFile, nice: false });
		}
		const staging = fs.mkdtempSync(path.join(outRoot, 'staging-'));
		await run('npm', ['pack', '--pack-destination', staging, '--ignore-scripts'], { cwd: dir, env: quietEnv(), logFile, nice: false });
		const [file] = fs.readdirSync(staging).filter((f) => f.endsWith('.tgz'));
		if (!file) throw new Error(`npm pack wrote no tarball into ${staging}; log ${logFile}`);
		// Content-addressed final name: identical builds share the installed-package cache below.
		const hash = sha256File(path.join(staging, file)).slice(0, 16);
		const finalDir = path.join(outRoot, hash);
		fs.mkdirSync(finalDir, { recursive: true });
		const final = path.join(finalDir, file);
		if (!fs.existsSync(final)) fs.renameSync(path.join(staging, file), final);
		fs.rmSync(staging, { recursive: true, force: true });
		return final;
	});
	packedInProcess = tarball;
	return tarball;
}

/**
 * Installs the tarball exactly like n8n's Community Nodes installer (CommunityPackagesService.downloadPackage in
 * n8n 2.8): `nodes/package.json` `{name:'installed-nodes', private:true, dependencies:{}}`; the tarball extracted
 * into `nodes/node_modules/<name>`; devDependencies, peerDependencies and optionalDependencies dropped from its
 * package.json; `npm install --bin-links=false --install-strategy=shallow --ignore-scripts=true
 * --package-lock=false` inside the package dir (runtime dependencies from the registry; `require('n8n-workflow')`
 * resolves to the host's copy); then `dependencies[<name>] = <version>` in `nodes/package.json`.
 * Done once per tarball hash + host into a cache dir; instances copy the result. Returns the cached `nodes` dir.
 */
export async function installedNodesDir(host: N8nHost, tarball: string): Promise<string> {
	const key = `${sha256File(tarball).slice(0, 16)}-n8n-${host.version}`;
	const dir = path.join(e2eTmpDir(), 'nodes-cache', key);
	const marker = path.join(dir, '.installed');
	if (fs.existsSync(marker)) return dir;
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(marker)) return dir;
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const nodesPackageJson = { name: 'installed-nodes', private: true, dependencies: {} as Record<string, string> };
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(nodesPackageJson, null, 2));
		const logFile = path.join(dir, 'install.log');
		const staging = fs.mkdtempSync(path.join(dir, 'extract-'));
		await run('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1'], { cwd: dir, logFile, nice: false });
		const manifest = JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8')) as PackageManifest;
		const pkgDir = path.join(dir, 'node_modules', manifest.name);
		fs.mkdirSync(path.dirname(pkgDir), { recursive: true });
		fs.renameSync(staging, pkgDir);
		const { devDependencies: _d, peerDependencies: _p, optionalDependencies: _o, ...stripped } = manifest;
		fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify(stripped, null, 2));
		await run('npm', ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'], {
			cwd: pkgDir,
			env: { ...quietEnv(), ...host.env },
			logFile,
			nice: false,
		});
		nodesPackageJson.dependencies[manifest.name] = manifest.version;
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(nodesPackageJson, null, 2));
		fs.writeFileSync(marker, new Date().toISOString());
		return dir;
	});
}

/** A free TCP port on 127.0.0.1 (the OS picks; released immediately, so collisions are unlikely, not impossible). */
/** Calls `fn` every 500 ms until it returns something other than undefined, or fails after `timeoutMs`. */
export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 500));
	}
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
		});
	});
}

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A node's output item as n8n stores it. */
export interface RunItem {
	json: Record<string, unknown>;
	binary?: Record<string, unknown>;
	pairedItem?: unknown;
	error?: unknown;
}

interface TaskData {
	startTime?: number;
	executionStatus?: string;
	data?: { main?: Array<RunItem[] | null> };
	error?: { message?: string; description?: string; name?: string; [key: string]: unknown };
	[key: string]: unknown;
}

/** Parsed output of `n8n execute` (the IRun JSON) with accessors. */
export class ExecutionResult {
	constructor(
		/** The parsed run JSON: `{ data: { resultData: { runData, error?, lastNodeExecuted } }, status, mode, ... }`. */
		readonly run: Record<string, any>,
		readonly cli: CliResult,
	) {}

	/** 'success' | 'error' | 'waiting' | ... as n8n reports it. */
	get status(): string {
		if (typeof this.run.status === 'string') return this.run.status;
		return this.run.data?.resultData?.error ? 'error' : this.run.finished ? 'success' : 'unknown';
	}

	/** Names of the nodes that ran, in run order. */
	get nodesRun(): string[] {
		return Object.keys(this.runData);
	}

	get runData(): Record<string, TaskData[]> {
		return (this.run.data?.resultData?.runData ?? {}) as Record<string, TaskData[]>;
	}

	/** The workflow-level error (`data.resultData.error`), if the run failed. */
	get error(): { message?: string; description?: string; node?: { name?: string }; [key: string]: unknown } | undefined {
		return this.run.data?.resultData?.error;
	}

	/** Task data of one run of a node; throws (listing the nodes that ran) when the node did not run. */
	task(nodeName: string, runIndex = 0): TaskData {
		const runs = this.runData[nodeName];
		if (!runs || !runs[runIndex]) {
			throw new Error(`node "${nodeName}" has no run ${runIndex} (status ${this.status}; ran: ${this.nodesRun.join(', ') || 'none'}${this.error?.message ? `; error: ${this.error.message}` : ''})`);
		}
		return runs[runIndex];
	}

	/** Full items (`{json, binary?, pairedItem?}`) of a node's output `outputIndex` (default 0). */
	items(nodeName: string, outputIndex = 0, runIndex = 0): RunItem[] {
		return this.task(nodeName, runIndex).data?.main?.[outputIndex] ?? [];
	}

	/** Just the `json` of a node's output items. */
	json(nodeName: string, outputIndex = 0, runIndex = 0): Array<Record<string, unknown>> {
		return this.items(nodeName, outputIndex, runIndex).map((i) => i.json);
	}

	/** The error a node threw (task `error`), or undefined when it succeeded. */
	nodeError(nodeName: string, runIndex = 0): TaskData['error'] | undefined {
		return this.task(nodeName, runIndex).error;
	}
}

/**
 * Extracts the run JSON that `n8n execute` prints among its log lines: pretty-printed, from a line `{` to the next
 * line `}` (on failure n8n logs it at info level and more log lines follow).
 */
export function parseExecuteOutput(stdout: string): Record<string, any> {
	const lines = stdout.split('\n').map((l) => l.replace(/\r$/, ''));
	for (let start = lines.findIndex((l) => l === '{'); start >= 0; start = lines.indexOf('{', start + 1)) {
		for (let end = lines.indexOf('}', start + 1); end > start; end = lines.indexOf('}', end + 1)) {
			try {
				const parsed = JSON.parse(lines.slice(start, end + 1).join('\n')) as unknown;
				if (parsed && typeof parsed === 'object' && 'data' in parsed) return parsed as Record<string, any>;
			} catch {
				// a nested `}` line or a log line inside: try the next closing line
			}
		}
	}
	throw new Error(`no run JSON in n8n execute output:\n${stdout.slice(-3000)}`);
}

export interface ServerHandle {
	url: string;
	port: number;
	pid: number;
	logFile: string;
}

/** An `n8n worker` process of an instance (queue mode). */
export interface WorkerHandle {
	pid: number;
	/** Port of the worker's health server (`/healthz`, `/healthz/readiness`). */
	healthPort: number;
	logFile: string;
	/** What the worker logged so far. */
	log(): string;
	/** SIGTERM (SIGKILL after 15 s) and wait for the exit. */
	stop(): Promise<void>;
}

export interface InstanceOptions {
	/** Extra environment for every n8n command of this instance. */
	env?: Record<string, string>;
	/** Keep the user folder after stop() (also `E2E_KEEP=1`). */
	keep?: boolean;
	/** The owner account set up on a started server (default OWNER, the test owner). */
	owner?: OwnerAccount;
	/** Directory under which the user folder is made (default the harness's temp dir). */
	baseDir?: string;
}

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

/** n8n servers started by this process: killed when the process exits, so a crashed test leaves none behind. */
const liveServers = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackServer(child: ChildProcess): void {
	liveServers.add(child);
	child.on('exit', () => liveServers.delete(child));
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const c of liveServers) {
			try {
				c.kill('SIGKILL');
			} catch {
				// already gone
			}
		}
	});
}

/** The owner account the harness sets up on a started server (local test instances only). */
export const OWNER: OwnerAccount = { email: 'e2e-owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Owner-Passw0rd!' };

/** One n8n user folder with the package installed, on one pinned host. */
export class N8nInstance {
	readonly userFolder: string;
	private server?: { child: ChildProcess; handle: ServerHandle; exited: Promise<void> };
	private readonly workers = new Set<WorkerHandle>();
	private apiKey?: string;
	private cookie?: Promise<string>;
	private lastLogFile?: string;
	private seq = 0;

	constructor(
		readonly host: N8nHost,
		readonly tarball: string,
		userFolder: string,
		private readonly options: InstanceOptions = {},
	) {
		this.userFolder = userFolder;
	}

	/** The owner account of this instance's server. */
	get owner(): OwnerAccount {
		return this.options.owner ?? OWNER;
	}

	get version(): HostVersion {
		return this.host.version;
	}

	/** `<userFolder>/.n8n` (config, database.sqlite, nodes/). */
	get dataDir(): string {
		return path.join(this.userFolder, '.n8n');
	}

	/** The installed package dir, `<userFolder>/.n8n/nodes/node_modules/<name>`. */
	get packageDir(): string {
		return path.join(this.dataDir, 'nodes', 'node_modules', readManifest().name);
	}

	/** Environment of every n8n command of this instance (quiet, offline, community packages on). */
	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {
			...quietEnv(),
			...this.host.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_RUNNERS_ENABLED: 'true',
			DB_TYPE: 'sqlite',
			NODE_ENV: 'production',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
		};
		if (this.version !== '2.8.4') env.N8N_DISABLED_MODULES = 'mcp-registry';
		// jest sets NODE_OPTIONS / JEST_WORKER_ID etc.; they must not leak into n8n's node.
		delete env.NODE_OPTIONS;
		// n8n and the package's nodes honour HTTP(S)_PROXY; the sandbox on 127.0.0.1 must not be reached through one.
		return withLoopbackNoProxy({ ...env, ...(this.options.env ?? {}), ...extra });
	}

	/** Runs `n8n <args>` with this instance's environment and a fresh task-runner broker port. */
	async cli(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
		const brokerPort = await freePort();
		const env = this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...(opts.env ?? {}) });
		const started = Date.now();
		// stdout goes to a file, not a pipe: n8n calls process.exit() right after printing the run, and Node
		// writes to pipes asynchronously, so a large run JSON (hundreds of KB) was cut off mid-way on a pipe.
		const outDir = path.join(this.userFolder, 'e2e-outputs');
		fs.mkdirSync(outDir, { recursive: true });
		const outFile = path.join(outDir, `cli-${++this.seq}.out`);
		const outFd = fs.openSync(outFile, 'w');
		return new Promise((resolve, reject) => {
			const child = spawn(this.host.nodeBin, [this.host.n8nScript, ...args], { cwd: this.userFolder, env, stdio: ['ignore', outFd, 'pipe'] });
			fs.closeSync(outFd);
			let stderr = '';
			child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
			const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
			child.on('error', (e) => {
				clearTimeout(timer);
				reject(e);
			});
			child.on('close', (code) => {
				clearTimeout(timer);
				const stdout = fs.readFileSync(outFile, 'utf8');
				fs.rmSync(outFile, { force: true });
				resolve({ code, stdout, stderr, ms: Date.now() - started });
			});
		});
	}

	private async cliOk(args: string[]): Promise<CliResult> {
		const res = await this.cli(args);
		if (res.code !== 0) throw new Error(`n8n ${args.join(' ')} (n8n ${this.version}) exited ${res.code}:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`);
		return res;
	}

	private tmpFile(prefix: string, content: unknown): string {
		const dir = path.join(this.userFolder, 'e2e-inputs');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${prefix}-${++this.seq}.json`);
		fs.writeFileSync(file, JSON.stringify(content, null, 2));
		return file;
	}

	/**
	 * `n8n publish:workflow` (active, so its triggers run once the server starts). Publish before `startServer`:
	 * a running n8n does not pick it up. n8n only calls an Error Workflow that is published.
	 */
	async publishWorkflow(workflowId: string): Promise<void> {
		await this.cliOk(['publish:workflow', `--id=${workflowId}`]);
	}

	/** `n8n import:credentials`: plain `data` objects are encrypted on import; ids are kept. */
	async importCredentials(credentials: CredentialToImport[]): Promise<void> {
		await this.cliOk(['import:credentials', `--input=${this.tmpFile('credentials', credentials)}`]);
	}

	/** `n8n import:workflow`; keeps `workflow.id` (generated when missing) and returns it. Re-import overwrites. */
	async importWorkflow(workflow: Record<string, unknown>): Promise<string> {
		return (await this.importWorkflows([workflow]))[0];
	}

	/** Several workflows in one `n8n import:workflow` (each n8n command is a new process: seconds); their ids in order. */
	async importWorkflows(workflows: Array<Record<string, unknown>>): Promise<string[]> {
		const prepared = workflows.map((workflow) => {
			const id = typeof workflow.id === 'string' && workflow.id ? workflow.id : randomBytes(8).toString('hex');
			return { name: id, active: false, connections: {}, settings: {}, ...workflow, id };
		});
		await this.cliOk(['import:workflow', `--input=${this.tmpFile('workflows', prepared)}`]);
		return prepared.map((wf) => wf.id);
	}

	/**
	 * `n8n execute --id=<id>` (the workflow needs a Manual Trigger). Returns the parsed run even when a node failed
	 * (exit 1, `status: 'error'`); throws only when no run JSON was printed.
	 */
	async execute(workflowId: string, opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ExecutionResult> {
		const res = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], opts);
		let parsed: Record<string, any>;
		try {
			parsed = parseExecuteOutput(res.stdout);
		} catch (error) {
			throw new Error(`n8n execute --id=${workflowId} (n8n ${this.version}) exited ${res.code} without run JSON:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-3000)}`, { cause: error });
		}
		return new ExecutionResult(parsed, res);
	}

	/** Imports then executes a workflow. */
	async run(workflow: Record<string, unknown>, opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ExecutionResult> {
		return this.execute(await this.importWorkflow(workflow), opts);
	}

	/** `n8n start` on a free port; resolves once `GET /healthz` is 200 and `/rest/settings` answers JSON. One server per instance. */
	async startServer(opts: { env?: Record<string, string>; timeoutMs?: number; port?: number } = {}): Promise<ServerHandle> {
		if (this.server) return this.server.handle;
		const port = opts.port ?? (await freePort());
		const brokerPort = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const logFile = path.join(this.userFolder, `server-${port}.log`);
		const out = fs.openSync(logFile, 'a');
		const env = this.env({
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${url}/`,
			N8N_WEBHOOK_URL: `${url}/`,
			N8N_EDITOR_BASE_URL: `${url}/`,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			...(opts.env ?? {}),
		});
		const child = spawn(this.host.nodeBin, [this.host.n8nScript, 'start'], { cwd: this.userFolder, env, stdio: ['ignore', out, out] });
		fs.closeSync(out);
		trackServer(child);
		let exitCode: number | null | undefined;
		const exited = new Promise<void>((resolve) =>
			child.on('exit', (code) => {
				exitCode = code;
				resolve();
			}),
		);
		const handle: ServerHandle = { url, port, pid: child.pid ?? -1, logFile };
		this.server = { child, handle, exited };
		const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
		for (;;) {
			if (exitCode !== undefined) {
				this.server = undefined;
				throw new Error(`n8n start (n8n ${this.version}) exited ${exitCode} before it was healthy; log ${logFile}:\n${tail(logFile)}`);
			}
			try {
				// /healthz answers 200 while every other path still serves "n8n is starting up. Please wait":
				// ready means healthz 200 and /rest/settings answering JSON.
				const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
				if (health.status === 200) {
					const settings = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(5000) });
					const type = settings.headers.get('content-type') ?? '';
					await settings.arrayBuffer();
					if (settings.status === 200 && type.includes('json')) break;
				}
			} catch {
				// not listening yet
			}
			if (Date.now() > deadline) {
				await this.stopServer();
				throw new Error(`n8n start (n8n ${this.version}) not healthy after ${opts.timeoutMs ?? 120_000} ms; log ${logFile}:\n${tail(logFile)}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		return handle;
	}

	/**
	 * `n8n worker --concurrency=<n>` for this instance (queue mode: the instance's environment must carry
	 * `EXECUTIONS_MODE=queue`, a shared database and Redis; see test/e2e/queueMode.ts), with its own health-check and
	 * task-broker ports so several workers and the main run side by side. Resolves once `GET /healthz/readiness` is
	 * 200 (database connected and migrated, Redis connected). Stopped by `stopWorkers()` and `stop()`, SIGKILLed when
	 * the test process exits.
	 */
	async startWorker(opts: { concurrency?: number; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<WorkerHandle> {
		const healthPort = await freePort();
		const brokerPort = await freePort();
		const logFile = path.join(this.userFolder, `worker-${healthPort}.log`);
		// A user folder of its own: n8n keeps a crash journal (a process finding another's waits 10 s and reports a
		// crash) and event logs there. Same package files and, from the main's settings file, the same encryption key.
		const folder = path.join(this.userFolder, 'workers', String(healthPort));
		fs.mkdirSync(path.join(folder, '.n8n'), { recursive: true });
		const cp = spawnSync('cp', ['-a', path.join(this.dataDir, 'nodes'), path.join(folder, '.n8n', 'nodes')]);
		if (cp.status !== 0) fs.cpSync(path.join(this.dataDir, 'nodes'), path.join(folder, '.n8n', 'nodes'), { recursive: true });
		const key = this.env().N8N_ENCRYPTION_KEY ?? (JSON.parse(fs.readFileSync(path.join(this.dataDir, 'config'), 'utf8')) as { encryptionKey?: string }).encryptionKey;
		if (!key) throw new Error(`no encryption key for a worker: set N8N_ENCRYPTION_KEY or run an n8n command first (${this.dataDir}/config)`);
		const out = fs.openSync(logFile, 'a');
		const env = this.env({
			N8N_USER_FOLDER: folder,
			N8N_ENCRYPTION_KEY: key,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			...(opts.env ?? {}),
		});
		const child = spawn(this.host.nodeBin, [this.host.n8nScript, 'worker', `--concurrency=${opts.concurrency ?? 10}`], { cwd: this.userFolder, env, stdio: ['ignore', out, out] });
		fs.closeSync(out);
		trackServer(child);
		let exitCode: number | null | undefined;
		const exited = new Promise<void>((resolve) =>
			child.on('exit', (code) => {
				exitCode = code;
				resolve();
			}),
		);
		const handle: WorkerHandle = {
			pid: child.pid ?? -1,
			healthPort,
			logFile,
			log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
			stop: async () => {
				this.workers.delete(handle);
				if (child.exitCode !== null || child.signalCode !== null) return;
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
				await exited;
				clearTimeout(timer);
			},
		};
		this.workers.add(handle);
		const timeoutMs = opts.timeoutMs ?? 120_000;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			if (exitCode !== undefined) {
				this.workers.delete(handle);
				throw new Error(`n8n worker (n8n ${this.version}) exited ${exitCode} before it was ready; log ${logFile}:\n${tail(logFile)}`);
			}
			const ready = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`, { signal: AbortSignal.timeout(2000) }).then(
				async (res) => (await res.arrayBuffer(), res.status === 200),
				() => false,
			);
			if (ready) return handle;
			if (Date.now() > deadline) {
				await handle.stop();
				throw new Error(`n8n worker (n8n ${this.version}) not ready after ${timeoutMs} ms; log ${logFile}:\n${tail(logFile)}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
	}

	/** Stops every worker of this instance (see startWorker). */
	async stopWorkers(): Promise<void> {
		await Promise.all([...this.workers].map((w) => w.stop()));
	}

	get serverUrl(): string {
		if (!this.server) throw new Error('server not started: call startServer() first');
		return this.server.handle.url;
	}

	/** What the running (or last) server printed so far (its log file), '' before startServer(). */
	serverLog(): string {
		const file = this.server?.handle.logFile ?? this.lastLogFile;
		try {
			return file ? fs.readFileSync(file, 'utf8') : '';
		} catch {
			return '';
		}
	}

	/** SIGTERM the server (SIGKILL after 15 s) and wait for it to exit. */
	async stopServer(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.lastLogFile = server.handle.logFile;
		this.apiKey = undefined;
		this.cookie = undefined;
		if (server.child.exitCode === null && server.child.signalCode === null) {
			server.child.kill('SIGTERM');
			const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
			await server.exited;
			clearTimeout(timer);
		}
	}

	/** fetch() against the running server; `path` starts with '/'. */
	async request(pathname: string, init: RequestInit = {}): Promise<Response> {
		return fetch(`${this.serverUrl}${pathname}`, { ...init, signal: init.signal ?? AbortSignal.timeout(60_000) });
	}

	/**
	 * Logs in as the instance owner (setting it up with `POST /rest/owner/setup` on first use, else `POST /rest/login`)
	 * and returns the `n8n-auth=...` cookie for REST calls; cached per server start. Requires startServer().
	 */
	async ownerCookie(): Promise<string> {
		// One login per server start, also for concurrent callers (a second owner setup would invalidate the first cookie).
		this.cookie ??= this.login().catch((error: unknown) => {
			this.cookie = undefined;
			throw error;
		});
		return this.cookie;
	}

	private async login(): Promise<string> {
		// The auth cookie is bound to the browser-id header of the login request; send the same on every call.
		const json = { 'content-type': 'application/json', 'browser-id': 'e2e' };
		const owner = this.owner;
		const setup = await this.request('/rest/owner/setup', { method: 'POST', headers: json, body: JSON.stringify(owner) });
		let cookie = setup.ok ? cookieFrom(setup) : undefined;
		if (!cookie) {
			// Owner already set up (an earlier server run on this folder): log in instead.
			const login = await this.request('/rest/login', {
				method: 'POST',
				headers: json,
				body: JSON.stringify({ emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password }),
			});
			cookie = login.ok ? cookieFrom(login) : undefined;
			if (!cookie) {
				throw new Error(`owner setup failed (${setup.status}: ${await setup.text().catch(() => '')}) and login failed (${login.status}: ${await login.text().catch(() => '')})`);
			}
		}
		return cookie;
	}

	/** An authenticated call to the editor's REST API (`/rest/...` or `/types/...`) as the owner. */
	async restRequest(pathname: string, init: RequestInit = {}): Promise<Response> {
		const cookie = await this.ownerCookie();
		const headers: Record<string, string> = {
			...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
			...((init.headers as Record<string, string> | undefined) ?? {}),
			cookie,
			'browser-id': 'e2e',
		};
		return this.request(pathname, { ...init, headers });
	}

	/** Creates (once per server start) a public-API key with every scope the server offers (`POST /rest/api-keys`). */
	async ensureApiKey(): Promise<string> {
		if (this.apiKey) return this.apiKey;
		let scopes: string[] | undefined;
		const scopesRes = await this.restRequest('/rest/api-keys/scopes');
		if (scopesRes.ok) scopes = ((await scopesRes.json()) as { data?: string[] }).data;
		const created = await this.restRequest('/rest/api-keys', {
			method: 'POST',
			body: JSON.stringify({ label: `e2e-${Date.now()}`, expiresAt: null, ...(scopes ? { scopes } : {}) }),
		});
		const body = (await created.json().catch(() => ({}))) as { data?: { rawApiKey?: string; apiKey?: string } };
		const key = body.data?.rawApiKey ?? body.data?.apiKey;
		if (!created.ok || !key) throw new Error(`creating an API key failed: ${created.status} ${JSON.stringify(body)}`);
		this.apiKey = key;
		return key;
	}

	/** Public API call (`/api/v1/...`) with the instance's API key; returns the parsed JSON, throws on non-2xx. */
	async publicApi<T = any>(method: string, pathname: string, body?: unknown): Promise<T> {
		const key = await this.ensureApiKey();
		const res = await this.request(`/api/v1${pathname}`, {
			method,
			headers: { 'X-N8N-API-KEY': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /api/v1${pathname}: ${res.status} ${text.slice(0, 1000)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/**
	 * Resumes a waiting execution (Wait node "On Webhook Call") through the running server:
	 * 2.8.4 `POST /webhook-waiting/<id>`; 2.41.1 adds `?signature=<resumeToken>` read from the public API.
	 * Returns the raw response (2.8.4 answers 409 to a second resume).
	 */
	async resumeWaiting(executionId: string, opts: { method?: string; body?: unknown; query?: Record<string, string>; suffix?: string } = {}): Promise<Response> {
		const query = new URLSearchParams(opts.query ?? {});
		if (this.version !== '2.8.4') {
			const execution = await this.publicApi<{ data?: { resumeToken?: string } }>('GET', `/executions/${executionId}?includeData=true`);
			const token = execution.data?.resumeToken;
			if (!token) throw new Error(`execution ${executionId} has no data.resumeToken (is it waiting?)`);
			query.set('signature', token);
		}
		const qs = query.toString();
		return this.request(`/webhook-waiting/${executionId}${opts.suffix ? `/${opts.suffix}` : ''}${qs ? `?${qs}` : ''}`, {
			method: opts.method ?? 'POST',
			headers: opts.body !== undefined ? { 'content-type': 'application/json' } : {},
			body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
		});
	}

	/**
	 * Executions of a workflow in a status, newest first, through the editor's REST API (`GET /rest/executions`):
	 * 2.8.4's public API leaves waiting executions out of its list. Requires startServer().
	 */
	async executions(workflowId: string, status?: string): Promise<Array<{ id: string; status: string; mode: string; waitTill?: string | null }>> {
		const filter = { workflowId, ...(status ? { status: [status] } : {}) };
		const res = await this.restRequest(`/rest/executions?filter=${encodeURIComponent(JSON.stringify(filter))}`);
		if (!res.ok) throw new Error(`GET /rest/executions: ${res.status} ${(await res.text()).slice(0, 300)}`);
		const body = (await res.json()) as { data?: { results?: Array<{ id: string; status: string; mode: string; waitTill?: string | null }> } };
		return body.data?.results ?? [];
	}

	/**
	 * Runs a saved workflow in the running server as the editor's Execute Workflow button does
	 * (`POST /rest/workflows/<id>/run` as the owner, from `triggerNode`), and returns the new execution's id. Unlike
	 * `execute()` (the CLI), the run lives in the server process: sub-workflows it starts without waiting keep
	 * running, and Wait nodes park their executions for the server to resume.
	 */
	async runManually(workflowId: string, triggerNode: string): Promise<string> {
		const workflow = await this.publicApi<Record<string, unknown>>('GET', `/workflows/${workflowId}`);
		const res = await this.restRequest(`/rest/workflows/${workflowId}/run`, {
			method: 'POST',
			body: JSON.stringify({
				workflowData: { id: workflowId, name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings, pinData: {} },
				triggerToStartFrom: { name: triggerNode },
			}),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`POST /rest/workflows/${workflowId}/run: ${res.status} ${text.slice(0, 500)}`);
		const id = (JSON.parse(text) as { data?: { executionId?: string } }).data?.executionId;
		if (!id) throw new Error(`POST /rest/workflows/${workflowId}/run answered without an execution id: ${text.slice(0, 500)}`);
		return String(id);
	}

	/** The execution with its data once it has stopped (success, error, crashed or canceled); waiting does not count. */
	async finishedExecution<T extends { status: string } = { status: string; data?: any }>(executionId: string, timeoutMs = 5 * 60_000): Promise<T> {
		return poll(
			`execution ${executionId} to finish`,
			async () => {
				const e = await this.publicApi<T>('GET', `/executions/${executionId}?includeData=true`).catch(() => undefined);
				return e && ['success', 'error', 'crashed', 'canceled'].includes(e.status) ? e : undefined;
			},
			timeoutMs,
		);
	}

	/** Node and credential type names the running server loaded (`GET /types/nodes.json`, `/types/credentials.json`, as the owner). */
	async loadedTypes(): Promise<{ nodes: string[]; credentials: string[] }> {
		const get = async (p: string): Promise<Array<{ name: string }>> => {
			const res = await this.restRequest(p);
			if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
			return (await res.json()) as Array<{ name: string }>;
		};
		const [nodes, credentials] = await Promise.all([get('/types/nodes.json'), get('/types/credentials.json')]);
		return { nodes: [...new Set(nodes.map((n) => n.name))], credentials: [...new Set(credentials.map((c) => c.name))] };
	}

	/** Stops the workers and the server and removes the user folder (kept with `E2E_KEEP=1` or `keep: true`). */
	async stop(): Promise<void> {
		await this.stopWorkers();
		await this.stopServer();
		if (!this.options.keep && process.env.E2E_KEEP !== '1') fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

function cookieFrom(res: Response): string | undefined {
	const all = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie') ?? ''];
	const auth = all.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	return auth;
}

function tail(file: string, lines = 60): string {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/**
 * A fresh n8n user folder on host `version` with the package tarball installed in `.n8n/nodes` (Community Nodes
 * layout). Installs the host on first use. Call `stop()` when done.
 */
export async function createN8nInstance(version: HostVersion, tarball?: string, options: InstanceOptions = {}): Promise<N8nInstance> {
	const host = await ensureHost(version);
	const pkg = tarball ?? (await packPackage());
	const cached = await installedNodesDir(host, pkg);
	const userFolder = fs.mkdtempSync(path.join(options.baseDir ?? e2eTmpDir(), `n8n-${version}-`));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(path.dirname(nodesDir), { recursive: true });
	// A real copy (not a symlink) so n8n sees an ordinary Community Nodes folder it may write to.
	const cp = spawnSync('cp', ['-a', cached, nodesDir]);
	if (cp.status !== 0) fs.cpSync(cached, nodesDir, { recursive: true });
	return new N8nInstance(host, pkg, userFolder, options);
}

/** Node type `<package>.<name>` as n8n names the types of a community package. */
export function packageNodeType(name: string): string {
	return `${readManifest().name}.${name}`;
}
