import * as http from 'node:http';
import * as net from 'node:net';

/** A local forward proxy for tests: absolute-form http requests are forwarded, CONNECT opens a TCP tunnel. */

export const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

export interface ForwardProxy {
	url: string;
	requests: string[];
	tunnels: string[];
	close(): Promise<void>;
}

/** Starts one on 127.0.0.1; with `requiredAuth` (user:password) it answers 407 without those credentials. */
export async function startForwardProxy(requiredAuth?: string): Promise<ForwardProxy> {
	const requests: string[] = [];
	const tunnels: string[] = [];
	const sockets = new Set<net.Socket>();
	const authorised = (header: string | undefined) => !requiredAuth || header === `Basic ${Buffer.from(requiredAuth).toString('base64')}`;
	const server = http.createServer((req, res) => {
		if (!authorised(req.headers['proxy-authorization'])) {
			res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
			return;
		}
		requests.push(`${req.method} ${req.url}`);
		const target = new URL(req.url ?? '/');
		const headers = { ...req.headers };
		delete headers['proxy-authorization'];
		const upstream = http.request(target, { method: req.method, headers }, (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.writeHead(502).end());
		req.pipe(upstream);
	});
	server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		sockets.add(client);
		if (!authorised(req.headers['proxy-authorization'])) {
			client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n');
			return;
		}
		tunnels.push(req.url ?? '');
		const [host, port] = (req.url ?? '').split(':');
		const upstream = net.connect(Number(port), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		sockets.add(upstream);
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	server.on('connection', (socket) => sockets.add(socket));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		tunnels,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

