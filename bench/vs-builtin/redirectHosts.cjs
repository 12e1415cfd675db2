/**
 * Preload (`NODE_OPTIONS="--require <this file>"`) for one n8n process: requests to the hosts named in
 * `MSP_OPS_REDIRECT_HOSTS` (`api.notion.com=http://127.0.0.1:4001,api.hubapi.com=http://127.0.0.1:4002`) go to
 * those plain-HTTP addresses instead. n8n's built-in Notion and HubSpot nodes hard-code `https://api.notion.com`
 * and `https://api.hubapi.com`; this is how the benchmark points them at the sandbox without touching n8n.
 *
 * Why `https.request`: n8n's request helpers send through axios, whose http adapter (directly, or through
 * follow-redirects) looks `request` up on the `https` module at call time (docs/builtin-nodes.md, "Redirecting the
 * built-in nodes"). The agent n8n sets is an `https.Agent`, which Node refuses for `http:`, so it is dropped; the
 * Host header keeps the public name. Every other host is passed through untouched. Without the variable the file
 * does nothing (n8n's task-runner child inherits NODE_OPTIONS and loads it too).
 */
'use strict';

const http = require('node:http');
const https = require('node:https');

const spec = process.env.MSP_OPS_REDIRECT_HOSTS || '';
const targets = new Map();
for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
	const eq = pair.indexOf('=');
	if (eq < 1) throw new Error(`MSP_OPS_REDIRECT_HOSTS: expected host=url, got "${pair}"`);
	const target = new URL(pair.slice(eq + 1));
	if (target.protocol !== 'http:') throw new Error(`MSP_OPS_REDIRECT_HOSTS: ${pair}: only http: targets are supported`);
	targets.set(pair.slice(0, eq).toLowerCase(), target);
}

/** `(url[, options][, callback])` or `(options[, callback])` as Node's request functions take them. */
function normalize(args) {
	let options;
	let callback;
	if (typeof args[0] === 'string' || args[0] instanceof URL) {
		const url = new URL(String(args[0]));
		const fromUrl = { protocol: url.protocol, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}` };
		if (typeof args[1] === 'function') {
			options = fromUrl;
			callback = args[1];
		} else {
			options = { ...fromUrl, ...(args[1] || {}) };
			callback = args[2];
		}
	} else {
		options = { ...(args[0] || {}) };
		callback = args[1];
	}
	return { options, callback };
}

function hostOf(options) {
	const raw = options.hostname || options.host || '';
	return String(raw).replace(/:\d+$/, '').toLowerCase();
}

function redirected(original) {
	return function request(...args) {
		const { options, callback } = normalize(args);
		const host = hostOf(options);
		const target = targets.get(host);
		if (!target) return original.apply(this, args);
		const headers = { ...(options.headers || {}) };
		if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) headers.Host = host;
		const rewritten = { ...options, protocol: 'http:', hostname: target.hostname, host: target.hostname, port: target.port, agent: undefined, headers };
		delete rewritten.servername;
		return http.request(rewritten, callback);
	};
}

if (targets.size > 0) {
	const originalRequest = https.request;
	const originalGet = https.get;
	https.request = redirected(originalRequest);
	https.get = function get(...args) {
		const req = https.request(...args);
		req.end();
		return req;
	};
	// Kept so a test can tell the preload ran in this process.
	Object.defineProperty(https, '__mspOpsRedirect', { value: { hosts: [...targets.keys()], originalRequest, originalGet } });
}
