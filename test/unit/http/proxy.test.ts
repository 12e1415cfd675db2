import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { resetRateLimiters } from '../../../lib/http';
import { bypassesProxy, proxyFor } from '../../../lib/http/proxy';
import { sendRaw, TransportError } from '../../../lib/http/transport';
import { UnifiSiteManagerClient } from '../../../lib/unifi';
import { startSandbox, type Sandbox } from '../../sandbox';
import { withLoopbackNoProxy } from '../../sandbox/loopbackNoProxy';
import { PROXY_VARS, startForwardProxy, type ForwardProxy } from './forwardProxy';

/**
 * HTTP(S)_PROXY / NO_PROXY in the one HTTP path: a local forward proxy (absolute-form requests for http, CONNECT
 * tunnels for https) sees the requests to the sandbox; NO_PROXY bypasses it; TLS stays end to end.
 */

describe('proxy rules from the environment', () => {
	const url = (u: string) => new URL(u);

	it('picks the variable by scheme, lower case first, and reads a bare host:port as http://', () => {
		expect(proxyFor(url('http://api.example.com/x'), { HTTP_PROXY: 'http://up:3128' })?.href).toBe('http://up:3128/');
		expect(proxyFor(url('http://api.example.com/x'), { http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:2' })?.host).toBe('low:1');
		expect(proxyFor(url('https://api.ui.com/v1/sites'), { HTTP_PROXY: 'http://up:3128' })).toBeUndefined();
		expect(proxyFor(url('https://api.ui.com/v1/sites'), { HTTPS_PROXY: 'proxy.msp.example:8080' })?.href).toBe('http://proxy.msp.example:8080/');
		expect(proxyFor(url('https://api.ui.com/'), {})).toBeUndefined();
		expect(() => proxyFor(url('https://api.ui.com/'), { HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
	});

	it('NO_PROXY: exact hosts, domain suffixes, ports, wildcard, IPv6', () => {
		const no = (value: string, u: string) => bypassesProxy(url(u), { NO_PROXY: value });
		expect(no('localhost,127.0.0.1', 'http://127.0.0.1:8080/')).toBe(true);
		expect(no('example.com', 'https://example.com/')).toBe(true);
		expect(no('example.com', 'https://api.example.com/')).toBe(false);
		expect(no('.example.com', 'https://api.example.com/')).toBe(true);
		expect(no('*.example.com', 'https://api.example.com/')).toBe(true);
		expect(no('.example.com', 'https://example.org/')).toBe(false);
		expect(no('api.ui.com:8443', 'https://api.ui.com/')).toBe(false);
		expect(no('api.ui.com:443', 'https://api.ui.com/')).toBe(true);
		expect(no('*', 'https://anything.example/')).toBe(true);
		expect(no('[::1]', 'http://[::1]:3000/')).toBe(true);
		expect(no('  a.example  b.example ', 'http://b.example/')).toBe(true);
		expect(bypassesProxy(url('http://127.0.0.1/'), { no_proxy: '127.0.0.1', NO_PROXY: '' })).toBe(true);
		expect(proxyFor(url('http://127.0.0.1:9/'), { HTTP_PROXY: 'http://p:1', NO_PROXY: '127.0.0.1' })).toBeUndefined();
	});

	it('the sandbox is never reached through a proxy: loopback is added to NO_PROXY for tests and n8n', () => {
		const env = withLoopbackNoProxy({ HTTP_PROXY: 'http://corp-proxy:3128', NO_PROXY: 'corp.example' });
		expect(env.NO_PROXY).toBe('corp.example,127.0.0.1,localhost,::1');
		expect(env.no_proxy).toBe('127.0.0.1,localhost,::1');
		expect(proxyFor(url('http://127.0.0.1:41234/v1/sites'), env)).toBeUndefined();
		expect(proxyFor(url('http://localhost:41234/'), env)).toBeUndefined();
		expect(proxyFor(url('http://api.example.com/'), env)?.host).toBe('corp-proxy:3128');
	});
});

describe('requests through a forward proxy', () => {
	let sandbox: Sandbox;
	let proxy: ForwardProxy;
	const saved: Record<string, string | undefined> = {};
	const client = () => new UnifiSiteManagerClient({ apiKey: sandbox.credentials.unifiApiKey, baseUrl: sandbox.urls.unifi, retry: { retries: 0 } });

	beforeAll(async () => {
		for (const name of PROXY_VARS) saved[name] = process.env[name];
		sandbox = await startSandbox({ services: ['unifi'] });
		proxy = await startForwardProxy();
	});
	afterAll(async () => {
		await proxy?.close();
		await sandbox?.stop();
	});
	beforeEach(() => {
		for (const name of PROXY_VARS) delete process.env[name];
		sandbox.unifi!.reset();
		resetRateLimiters();
	});
	afterEach(() => {
		for (const name of PROXY_VARS) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	it('HTTP_PROXY: every request of a client goes through the proxy and the answer is the same', async () => {
		const direct = await client().listSites();
		const directCalls = sandbox.unifi!.count();
		process.env.HTTP_PROXY = proxy.url;
		proxy.requests.length = 0;
		const proxied = await client().listSites();
		expect(proxied).toEqual(direct);
		expect(proxy.requests.length).toBe(directCalls);
		expect(proxy.requests.every((r) => r.startsWith(`GET ${sandbox.urls.unifi}/v1/sites`))).toBe(true);
	});

	it('NO_PROXY bypasses it (lower-case variables work too)', async () => {
		process.env.http_proxy = proxy.url;
		process.env.no_proxy = 'localhost,127.0.0.1';
		proxy.requests.length = 0;
		expect((await client().listSites()).length).toBe(98);
		expect(proxy.requests).toEqual([]);
	});

	it('a proxy that asks for credentials gets them from the proxy URL, and the password never shows in errors', async () => {
		const guarded = await startForwardProxy('msp:pr0xy-pa55word');
		try {
			process.env.HTTP_PROXY = `http://msp:pr0xy-pa55word@${new URL(guarded.url).host}`;
			expect((await client().listSites()).length).toBe(98);
			expect(guarded.requests.length).toBeGreaterThan(0);

			process.env.HTTP_PROXY = guarded.url;
			const refused = await client().listSites().catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(Error);
			expect(String((refused as Error).message)).toMatch(/407/);

			// https through a tunnel the proxy refuses: a transport error that names the proxy, not the password.
			process.env.HTTPS_PROXY = `http://msp:wrong-pa55word@${new URL(guarded.url).host}`;
			const error = await sendRaw({ method: 'GET', url: new URL('https://127.0.0.1:9/'), headers: {}, timeoutMs: 5_000 }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(TransportError);
			expect((error as TransportError).code).toBe('EPROXY');
			expect((error as TransportError).mayHaveBeenProcessed).toBe(false);
			expect((error as Error).message).toMatch(/refused the tunnel to 127\.0\.0\.1:9: HTTP 407 \(proxy authentication required/);
			expect((error as Error).message).not.toContain('wrong-pa55word');
		} finally {
			await guarded.close();
		}
	});

	describe('https through a CONNECT tunnel', () => {
		let server: https.Server;
		let origin: string;
		let dir: string;

		beforeAll(async () => {
			dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msp-ops-proxy-tls-'));
			execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
			server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
				res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, host: req.headers.host }));
			});
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			origin = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
		});
		afterAll(async () => {
			await new Promise<void>((resolve) => server.close(() => resolve()));
			fs.rmSync(dir, { recursive: true, force: true });
		});

		it('HTTPS_PROXY: the request is tunnelled, TLS is with the target, and the certificate rules still apply', async () => {
			process.env.HTTPS_PROXY = proxy.url;
			proxy.tunnels.length = 0;
			const ok = await sendRaw({ method: 'GET', url: new URL(`${origin}/integration/v1/sites?limit=1`), headers: {}, timeoutMs: 10_000, allowInsecureTls: true });
			expect(ok.status).toBe(200);
			expect(JSON.parse(ok.body.toString())).toEqual({ path: '/integration/v1/sites?limit=1', host: new URL(origin).host });
			expect(proxy.tunnels).toEqual([new URL(origin).host]);

			// A self-signed certificate is still refused unless the credential accepts it: TLS is end to end.
			const refused = await sendRaw({ method: 'GET', url: new URL(`${origin}/`), headers: {}, timeoutMs: 10_000 }).catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(TransportError);
			expect((refused as Error).message).toMatch(/self[- ]signed/i);

			process.env.NO_PROXY = '127.0.0.1';
			proxy.tunnels.length = 0;
			expect((await sendRaw({ method: 'GET', url: new URL(`${origin}/`), headers: {}, timeoutMs: 10_000, allowInsecureTls: true })).status).toBe(200);
			expect(proxy.tunnels).toEqual([]);
		});
	});
});
