import * as http from 'node:http';
import * as https from 'node:https';
import { proxyAuthorization, proxyFor, ProxyTunnelError, TunnelAgent } from './proxy';

/**
 * One HTTP exchange over node:http/https. Used instead of global fetch because the UniFi local console needs
 * per-credential "accept self-signed certificate", because we want exact timeout and reset behaviour, and because
 * it honours HTTP(S)_PROXY / NO_PROXY (proxy.ts), which Node 20's fetch does not.
 * No retries or policy here: see policy.ts and client.ts.
 */

export interface RawRequest {
	method: string;
	url: URL;
	headers: Record<string, string>;
	body?: string | Buffer;
	timeoutMs: number;
	/** Accept self-signed TLS certificates (UniFi consoles ship with one). */
	allowInsecureTls?: boolean;
	signal?: AbortSignal;
}

export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

/** Thrown when no HTTP response arrived. `code` is ETIMEDOUT, ECONNRESET, ECONNREFUSED, ... */
export class TransportError extends Error {
	constructor(
		message: string,
		readonly code: string,
		/** Whether the request may have reached the server (false only when the connection was never made). */
		readonly mayHaveBeenProcessed: boolean,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

const insecureAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
const secureAgent = new https.Agent({ keepAlive: true });
const plainAgent = new http.Agent({ keepAlive: true });
const plainProxyAgent = new https.Agent({ keepAlive: true });

/** Tunnel agents by proxy and TLS setting; a process uses one or two proxies, the cap only guards against churn. */
const tunnelAgents = new Map<string, TunnelAgent>();
const MAX_TUNNEL_AGENTS = 8;

function tunnelAgent(proxy: URL, allowInsecureTls: boolean): TunnelAgent {
	const key = `${proxy.href}|${allowInsecureTls}`;
	let agent = tunnelAgents.get(key);
	if (!agent) {
		if (tunnelAgents.size >= MAX_TUNNEL_AGENTS) {
			const [oldestKey, oldest] = tunnelAgents.entries().next().value as [string, TunnelAgent];
			oldest.destroy();
			tunnelAgents.delete(oldestKey);
		}
		agent = new TunnelAgent(proxy, { keepAlive: true, rejectUnauthorized: !allowInsecureTls });
		tunnelAgents.set(key, agent);
	}
	return agent;
}

interface Route {
	mod: typeof http | typeof https;
	url: URL;
	options: http.RequestOptions;
}

/**
 * How to reach `req.url`: directly, through an http proxy with the absolute URL as the request target (http URLs),
 * or through a CONNECT tunnel (https URLs), per HTTP(S)_PROXY / NO_PROXY (see proxy.ts).
 */
function route(req: RawRequest, headers: Record<string, string | number>): Route {
	const isHttps = req.url.protocol === 'https:';
	let proxy: URL | undefined;
	try {
		proxy = proxyFor(req.url);
	} catch (error) {
		throw new TransportError((error as Error).message, 'EPROXYCONFIG', false);
	}
	if (!proxy) {
		return { mod: isHttps ? https : http, url: req.url, options: { agent: isHttps ? (req.allowInsecureTls ? insecureAgent : secureAgent) : plainAgent } };
	}
	if (isHttps) return { mod: https, url: req.url, options: { agent: tunnelAgent(proxy, req.allowInsecureTls === true) } };
	const auth = proxyAuthorization(proxy);
	if (auth) headers['proxy-authorization'] = auth;
	headers.host = req.url.host;
	const viaTls = proxy.protocol === 'https:';
	// An http URL through a proxy: the request goes to the proxy with the absolute URL as its target.
	return {
		mod: viaTls ? https : http,
		url: new URL(`${proxy.protocol}//${proxy.host}/`),
		options: { agent: viaTls ? plainProxyAgent : plainAgent, path: req.url.href },
	};
}

/** Methods whose repetition changes nothing (RFC 9110, section 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * One exchange. A keep-alive socket that the server closed while it sat idle fails the next request sent on it with
 * ECONNRESET before any answer (`request.reusedSocket` in Node's documentation). An idempotent request is then sent
 * once more on a new socket; any other request fails as it is, because a server may also reset after acting on it,
 * and only the caller knows how to check (creates are looked up by key; the ops log avoids idle sockets instead).
 */
export async function sendRaw(req: RawRequest): Promise<RawResponse> {
	try {
		return await sendOnce(req);
	} catch (error) {
		if (error instanceof StaleSocketError && IDEMPOTENT.has(req.method.toUpperCase())) return sendOnce(req);
		throw error;
	}
}

/** ECONNRESET on a reused keep-alive socket before any byte of an answer. */
class StaleSocketError extends TransportError {}

function sendOnce(req: RawRequest): Promise<RawResponse> {
	return new Promise<RawResponse>((resolve, reject) => {
		const headers: Record<string, string | number> = { ...req.headers };
		if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
		let target: Route;
		try {
			target = route(req, headers);
		} catch (error) {
			reject(error);
			return;
		}
		const { mod, options: routeOptions } = target;
		let connected = false;
		let settled = false;
		let answered = false;
		// The whole exchange is bounded by an AbortSignal timer (the socket timeout below only fires on inactivity).
		// It needs no timer globals, and once the exchange settles the listener is removed and the signal is dropped.
		const deadline = AbortSignal.timeout(Math.max(1, req.timeoutMs));
		const onDeadline = () => request.destroy(new TransportError(`no response within ${req.timeoutMs} ms`, 'ETIMEDOUT', true));
		const done = () => deadline.removeEventListener('abort', onDeadline);
		const fail = (error: TransportError) => {
			done();
			if (settled) return;
			settled = true;
			reject(error);
		};
		const request = mod.request(
			target.url,
			{ ...routeOptions, method: req.method, headers, timeout: req.timeoutMs, signal: req.signal },
			(res) => {
				answered = true;
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					done();
					if (settled) return;
					settled = true;
					const outHeaders: Record<string, string> = {};
					for (const [key, value] of Object.entries(res.headers)) {
						if (value !== undefined) outHeaders[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
					}
					resolve({ status: res.statusCode ?? 0, headers: outHeaders, body: Buffer.concat(chunks) });
				});
				res.on('error', (error: NodeJS.ErrnoException) => {
					fail(new TransportError(`response stream failed: ${error.message}`, error.code ?? 'ECONNRESET', true));
				});
			},
		);
		request.on('socket', (socket) => {
			if (!socket.connecting) connected = true;
			else socket.once('connect', () => (connected = true));
		});
		deadline.addEventListener('abort', onDeadline, { once: true });
		request.on('timeout', () => {
			request.destroy(new TransportError(`no response within ${req.timeoutMs} ms`, 'ETIMEDOUT', true));
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error instanceof TransportError) return fail(error);
			// The tunnel was never opened: nothing reached the target, so the request may be sent again.
			if (error instanceof ProxyTunnelError) return fail(new TransportError(error.message, error.code, false));
			const code = error.code ?? (error.name === 'AbortError' ? 'ABORTED' : 'ECONNRESET');
			if (code === 'ECONNRESET' && request.reusedSocket && !answered) return fail(new StaleSocketError(error.message || code, code, true));
			const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || !connected;
			fail(new TransportError(error.message || code, code, !neverSent));
		});
		if (req.body !== undefined) request.write(req.body);
		request.end();
	});
}
