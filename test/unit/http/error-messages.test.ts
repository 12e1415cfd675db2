import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MspOpsError, NetworkError, RateLimitError, ValidationError } from '../../../lib/errors';
import { credentialKey, resetRateLimiters, ServiceHttpClient, type ServiceClientConfig } from '../../../lib/http';
import { notionCall } from '../../../lib/notion';
import { UnifiSiteManagerClient } from '../../../lib/unifi/siteManagerClient';
import { SANDBOX_CREDENTIALS } from '../../../test/sandbox/credentials';
import { sandboxNotionTransport, useNotionEmulator } from '../notion/notionSandbox';

/**
 * Every error message says which service and which call failed, what was expected and what to do, in one or two
 * lines, and never echoes markup or secrets.
 */

const SECRET = 'msg-test-api-key-0123456789';
const CLOUDFLARE_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

interface Answer {
	status: number;
	body: string;
	headers?: Record<string, string>;
}

async function serve(answer: Answer) {
	const server = http.createServer((_req, res) => {
		res.writeHead(answer.status, answer.headers ?? {});
		res.end(answer.body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

function client(baseUrl: string, extra: Partial<ServiceClientConfig> = {}) {
	return new ServiceHttpClient({
		service: 'unifi',
		baseUrl,
		credentialKey: credentialKey(SECRET),
		headers: () => ({ 'x-api-key': SECRET }),
		secrets: [SECRET],
		retry: { retries: 0 },
		...extra,
	});
}

async function failure(promise: Promise<unknown>): Promise<MspOpsError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(MspOpsError);
	return error as MspOpsError;
}

/** One or two sentences on one line, naming the service and the call, with no markup and no secret. */
function expectActionable(message: string, call: RegExp): void {
	expect(message).toMatch(call);
	expect(message).not.toMatch(/[<>]/);
	expect(message).not.toContain('\n');
	expect(message).not.toContain(SECRET);
	expect(message.length).toBeLessThan(400);
}

describe('HTTP error messages', () => {
	let server: Awaited<ReturnType<typeof serve>> | undefined;
	beforeEach(() => resetRateLimiters());
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	it('an HTML page whose first words run into a secret does not show the secret cut in half', async () => {
		// Found by the reliability suite (bad-input): the page text was cut at 80 characters before it was redacted.
		server = await serve({ status: 200, body: `<html><body>${'x'.repeat(60)} ${SECRET} and more text</body></html>`, headers: { 'content-type': 'text/html' } });
		const error = await failure(client(server.url).request({ operation: 'getSites', path: '/v1/sites' }));
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.message).toContain('[REDACTED]');
		expect(error.message).not.toContain(SECRET.slice(0, 12));
	});

	it('a proxy 502 HTML page is summarised by its title, not shown raw', async () => {
		server = await serve({ status: 502, body: CLOUDFLARE_502, headers: { 'content-type': 'text/html', 'cf-ray': '8a1b2c3d4e5f6a7b-SJC' } });
		const error = await failure(client(server.url).request({ operation: 'listHosts', path: '/v1/hosts' }));
		expectActionable(error.message, /^UniFi Site Manager GET \/v1\/hosts returned 502: /);
		expect(error.message).toContain('an HTML page ("502 Bad Gateway") from a proxy or gateway in front of UniFi Site Manager');
		expect(error.message).toMatch(/run the node again later\.$/);
		expect(error).toMatchObject({ httpStatus: 502, retryable: true, requestId: 'cf-ray 8a1b2c3d4e5f6a7b-SJC', service: 'unifi', operation: 'listHosts' });
	});

	it('a 200 HTML page (a login or proxy page at the base URL) says to check the base URL', async () => {
		server = await serve({ status: 200, body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body>...</body></html>', headers: { 'content-type': 'text/html' } });
		const error = await failure(client(server.url).request({ operation: 'listHosts', path: '/v1/hosts' }));
		expect(error).toBeInstanceOf(ValidationError);
		expectActionable(error.message, /^UniFi Site Manager GET \/v1\/hosts returned 200 with an HTML page \("Sign in"\) instead of JSON\. Check the base URL/);
		expect(error).toMatchObject({ expected: 'a JSON document', received: 'an HTML page', retryable: false });
	});

	it('a cut-off JSON body is called that, not "(root): expected object"', async () => {
		server = await serve({ status: 200, body: '{"data":[{"id":"a","meta":{"na', headers: { 'content-type': 'application/json' } });
		const error = await failure(new UnifiSiteManagerClient({ apiKey: SECRET, baseUrl: server.url, retry: { retries: 0 } }).listHosts());
		expect(error).toBeInstanceOf(ValidationError);
		expectActionable(error.message, /^UniFi Site Manager GET \/v1\/hosts returned 200 with a body that is not valid JSON \(30 bytes, cut off or corrupted\)\. /);
		expect(error.message).not.toContain('(root)');
		expect(error).toMatchObject({ expected: 'a JSON document', received: '30 bytes of invalid JSON', retryable: true });
	});

	it('a refused connection names the service, the call and the URL, and says what to check', async () => {
		server = await serve({ status: 200, body: '{}' });
		const url = server.url;
		await server.close();
		server = undefined;
		const error = await failure(client(url).request({ operation: 'listHosts', path: '/v1/hosts' }));
		expect(error).toBeInstanceOf(NetworkError);
		expectActionable(error.message, /^UniFi Site Manager GET \/v1\/hosts failed: connection refused by http:\/\/127\.0\.0\.1:\d+\. Check the URL in the UniFi Site Manager credential/);
		expect(error.code).toBe('ECONNREFUSED');
	});

	it('a timeout and an unknown host name the URL too', async () => {
		const hang = http.createServer(() => undefined);
		await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
		try {
			const timeout = await failure(client(url, { timeoutMs: 100 }).request({ operation: 'listHosts', path: '/v1/hosts' }));
			expectActionable(timeout.message, new RegExp(`^UniFi Site Manager GET /v1/hosts failed: no answer from ${url.replace(/[.]/g, '\\.')} in time \\(no response within 100 ms\\)\\. .*run the node again later`));
		} finally {
			hang.closeAllConnections();
			await new Promise<void>((resolve) => hang.close(() => resolve()));
		}
		const { TransportError } = await import('../../../lib/http');
		const dns = client('https://api.unifi.invalid', {
			transport: async () => {
				throw new TransportError('getaddrinfo ENOTFOUND api.unifi.invalid', 'ENOTFOUND', false);
			},
		});
		const error = await failure(dns.request({ operation: 'listHosts', path: '/v1/hosts' }));
		expectActionable(error.message, /^UniFi Site Manager GET \/v1\/hosts failed: host api\.unifi\.invalid not found\. Check the URL in the UniFi Site Manager credential/);
	});

	it('a final 429 says how long to wait, and an echoed secret is masked', async () => {
		server = await serve({ status: 429, body: JSON.stringify({ message: `slow down, key ${SECRET}` }), headers: { 'content-type': 'application/json', 'retry-after': '30' } });
		const error = await failure(client(server.url).request({ operation: 'listHosts', path: '/v1/hosts' }));
		expect(error).toBeInstanceOf(RateLimitError);
		expectActionable(error.message, /^UniFi Site Manager GET \/v1\/hosts returned 429: slow down, key \[REDACTED\]\. UniFi Site Manager is rate limiting this credential: wait 30 s/);
	});

	it('an error body without advice gets the advice for its status', async () => {
		server = await serve({ status: 404, body: JSON.stringify({ message: 'no such host' }), headers: { 'content-type': 'application/json' } });
		const error = await failure(client(server.url).request({ operation: 'getHost', path: '/v1/hosts/abc' }));
		expect(error.message).toBe('UniFi Site Manager GET /v1/hosts/abc returned 404: no such host. Check the ID and the base URL.');
	});
});

describe('Notion error messages', () => {
	const emulator = useNotionEmulator();
	const transport = () => sandboxNotionTransport(emulator.url, { retry: { retries: 0 } });

	it("Cloudflare's 502 page in front of Notion is summarised, not shown raw", async () => {
		const t = transport();
		emulator.scriptFaults([{ status: 502 }]);
		const error = await failure(notionCall('getMe', () => t.client.users.me({})));
		expectActionable(error.message, /^Notion GET \/v1\/users\/me returned 502: an HTML page \("502 Bad Gateway"\) from a proxy or gateway in front of Notion/);
		expect(error.message).not.toContain(SANDBOX_CREDENTIALS.notionToken);
		expect(error).toMatchObject({ httpStatus: 502, service: 'notion' });
	});

	it("Notion's own error says what to do about its code", async () => {
		const t = transport();
		const error = await failure(notionCall('getPage', () => t.client.pages.retrieve({ page_id: '00000000-0000-4000-8000-000000000000' }), { itemIndex: 4 }));
		expectActionable(error.message, /^Notion GET \/v1\/pages\/[0-9a-f-]+ returned 404: object_not_found: .*\. Check the ID given to the node/);
		expect(error).toMatchObject({ code: 'object_not_found', itemIndex: 4, httpStatus: 404 });
	});

	it('a refused connection names Notion and the URL', async () => {
		const closed = await serve({ status: 200, body: '{}' });
		await closed.close();
		const t = sandboxNotionTransport(closed.url, { retry: { retries: 0 } });
		const error = await failure(notionCall('getMe', () => t.client.users.me({})));
		expectActionable(error.message, /^Notion GET \/v1\/users\/me failed: connection refused by http:\/\/127\.0\.0\.1:\d+\. Check the URL in the Notion credential/);
	});
});
