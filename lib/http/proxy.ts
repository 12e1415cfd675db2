import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { registerSecret } from './redact';

/**
 * Outbound proxies from the environment, the way n8n and most Node HTTP clients read them (the rules of the
 * `proxy-from-env` package): `http_proxy` / `HTTP_PROXY` for http URLs, `https_proxy` / `HTTPS_PROXY` for https URLs
 * (lower case first), and `no_proxy` / `NO_PROXY` to bypass them. MSP networks often reach the internet only
 * through a proxy, so every request of lib/http honours them.
 *
 * NO_PROXY: entries separated by commas or spaces; `*` bypasses every host; `host` matches that host exactly;
 * `.example.com` or `*.example.com` match its subdomains (and the suffix); `host:port` matches that port only.
 */

export type ProxyEnvironment = Record<string, string | undefined>;

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function envValue(env: ProxyEnvironment, name: string): string {
	return (env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? '').trim();
}

/** Whether NO_PROXY lets `url` bypass the proxy. */
export function bypassesProxy(url: URL, env: ProxyEnvironment = process.env): boolean {
	const noProxy = envValue(env, 'no_proxy').toLowerCase();
	if (!noProxy) return false;
	if (noProxy === '*') return true;
	const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
	const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
	return noProxy.split(/[,\s]+/).some((entry) => {
		if (!entry) return false;
		if (entry === '*') return true;
		const withPort = /^(.+):(\d+)$/.exec(entry);
		let host = withPort && !entry.startsWith('[') ? withPort[1] : entry;
		const entryPort = withPort && !entry.startsWith('[') ? Number(withPort[2]) : 0;
		host = host.replace(/^\[|\]$/g, '');
		if (entryPort && entryPort !== port) return false;
		if (!/^[.*]/.test(host)) return hostname === host;
		const suffix = host.startsWith('*') ? host.slice(1) : host;
		return hostname.endsWith(suffix);
	});
}

/** The proxy to use for `url`, or undefined for a direct connection. A proxy value without a scheme is http://. */
export function proxyFor(url: URL, env: ProxyEnvironment = process.env): URL | undefined {
	const scheme = url.protocol === 'https:' ? 'https_proxy' : url.protocol === 'http:' ? 'http_proxy' : undefined;
	if (!scheme) return undefined;
	const raw = envValue(env, scheme);
	if (!raw || bypassesProxy(url, env)) return undefined;
	let proxy: URL;
	try {
		proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
	} catch {
		throw new Error(`The ${scheme.toUpperCase()} environment variable is not a URL; set it like http://proxy.example.com:3128`);
	}
	if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
		throw new Error(`The ${scheme.toUpperCase()} proxy must be an http:// or https:// URL (got ${proxy.protocol}//)`);
	}
	if (proxy.password) registerSecret(decodeURIComponent(proxy.password));
	return proxy;
}

/** `Proxy-Authorization` for a proxy URL with user:password, else undefined. */
export function proxyAuthorization(proxy: URL): string | undefined {
	if (!proxy.username && !proxy.password) return undefined;
	const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
	return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** No answer through the proxy: it refused the tunnel, or could not be reached. Nothing reached the target. */
export class ProxyTunnelError extends Error {
	constructor(
		message: string,
		readonly code: string,
	) {
		super(message);
		this.name = 'ProxyTunnelError';
	}
}

/** Where the proxy is, without its credentials (for messages). */
export function describeProxy(proxy: URL): string {
	return `${proxy.protocol}//${proxy.host}`;
}

/**
 * An https agent whose connections are CONNECT tunnels through an http(s) proxy, then TLS to the target (so TLS
 * settings such as accepting a console's self-signed certificate work end to end). Keep-alive pools the tunnels.
 */
export class TunnelAgent extends https.Agent {
	constructor(
		private readonly proxy: URL,
		options: https.AgentOptions,
	) {
		super(options);
	}

	override createConnection(requestOptions: http.RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): Duplex | undefined {
		// The agent passes its TLS options (rejectUnauthorized, servername, ...) along with the request's.
		const options = requestOptions as tls.ConnectionOptions & http.RequestOptions;
		const host = options.host ?? 'localhost';
		const port = Number(options.port) || 443;
		const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
		const headers: Record<string, string> = { host: authority };
		const auth = proxyAuthorization(this.proxy);
		if (auth) headers['proxy-authorization'] = auth;
		const connectOptions: http.RequestOptions = {
			host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
			port: Number(this.proxy.port) || DEFAULT_PORTS[this.proxy.protocol],
			method: 'CONNECT',
			path: authority,
			headers,
			agent: false,
			timeout: options.timeout,
		};
		const connect = this.proxy.protocol === 'https:' ? https.request(connectOptions) : http.request(connectOptions);
		let done = false;
		const finish = (error: Error | null, socket?: Duplex) => {
			if (done) return;
			done = true;
			callback?.(error, socket as Duplex);
		};
		connect.once('connect', (res, socket) => {
			if (res.statusCode !== 200) {
				socket.destroy();
				finish(new ProxyTunnelError(`the proxy ${describeProxy(this.proxy)} refused the tunnel to ${authority}: HTTP ${res.statusCode ?? 0}${res.statusCode === 407 ? ' (proxy authentication required: put user:password in the proxy URL)' : ''}`, 'EPROXY'));
				return;
			}
			// Only the TLS settings: the request's own options (path, method, headers) mean other things to tls.connect.
			// Keys left undefined would replace tls.connect's defaults (checkServerIdentity must stay a function).
			const tlsOptions: tls.ConnectionOptions = { socket };
			const servername = options.servername ?? (net.isIP(host) ? undefined : host);
			if (servername) tlsOptions.servername = servername;
			if (options.rejectUnauthorized !== undefined) tlsOptions.rejectUnauthorized = options.rejectUnauthorized;
			if (options.ca !== undefined) tlsOptions.ca = options.ca;
			if (options.checkServerIdentity !== undefined) tlsOptions.checkServerIdentity = options.checkServerIdentity;
			let secure: tls.TLSSocket;
			try {
				secure = tls.connect(tlsOptions);
			} catch (error) {
				socket.destroy();
				finish(new ProxyTunnelError(`TLS through the proxy ${describeProxy(this.proxy)} to ${authority} failed: ${(error as Error).message}`, 'EPROXY'));
				return;
			}
			finish(null, secure);
		});
		connect.once('timeout', () => connect.destroy(new ProxyTunnelError(`the proxy ${describeProxy(this.proxy)} did not open a tunnel to ${authority} in time`, 'ETIMEDOUT')));
		connect.once('error', (error: NodeJS.ErrnoException) => {
			finish(error instanceof ProxyTunnelError ? error : new ProxyTunnelError(`the proxy ${describeProxy(this.proxy)} could not be reached: ${error.message}`, error.code ?? 'EPROXY'));
		});
		connect.end();
		return undefined;
	}
}
